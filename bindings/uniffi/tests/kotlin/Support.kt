// Shared by the JUnit suites: finding the acceptance vectors, turning JSON into typed
// employees, and comparing results with a vector's expectations (decimals compare as
// decimals, null = absent, adjustments map every evaluated adjustment, error entries
// compare by code), like tests/support/vectors.rs on the Rust side.
package kaohe.test

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.JsonPrimitive
import java.io.File
import java.math.BigDecimal
import kaohe.Actual
import kaohe.Employee
import kaohe.ErrorDetail
import kaohe.Outcome
import kaohe.ScoreCard
import kaohe.Status
import kaohe.Value

object Support {
    /** The repository root (set by test.sh as -Dkaohe.root). */
    val root: File = File(System.getProperty("kaohe.root") ?: "../..").canonicalFile

    /** The project's own vectors, then the shared ones beside the repository. */
    val vectorDirs: List<File> = listOf(File(root, "spec/vectors"), File(root, "../shared/spec/vectors").canonicalFile)

    fun vectorFiles(): List<File> =
        vectorDirs.flatMap { dir ->
            (dir.listFiles { f -> f.isFile && f.name.endsWith(".json") } ?: emptyArray()).sortedBy { it.name }
        }

    /** The `kaohe` CLI binary (set by test.sh as -Dkaohe.cli), to check scoreJson against `kaohe score --format json`. */
    val cli: File? = System.getProperty("kaohe.cli")?.let(::File)

    /** What `kaohe score SCHEME EMPLOYEES --format json` prints, without its final newline (null without a CLI). */
    fun cliScoreJson(schemeText: String, employeesText: String): String? {
        val bin = cli ?: return null
        val dir = java.nio.file.Files.createTempDirectory("kaohe-cli").toFile()
        try {
            val scheme = File(dir, "scheme.json").apply { writeText(schemeText) }
            val employees = File(dir, "employees.json").apply { writeText(employeesText) }
            val p = ProcessBuilder(bin.path, "score", scheme.path, employees.path, "--format", "json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start()
            val out = p.inputStream.readBytes().toString(Charsets.UTF_8)
            val code = p.waitFor()
            check(code == 0 || code == 1) { "kaohe score exited with $code" }
            return out.removeSuffix("\n")
        } finally {
            dir.deleteRecursively()
        }
    }

    fun read(file: File): String = file.readText(Charsets.UTF_8)

    fun parse(text: String): JsonElement = JsonParser.parseString(text)

    fun example(name: String): String = read(File(root, "examples/photo-studio/$name"))

    // ---- JSON → typed employees ----------------------------------------------------

    /** A JSON value as a typed [Value]; objects of number arrays are ratings. */
    fun value(e: JsonElement): Value =
        when {
            e.isJsonNull -> Value.Null
            e is JsonPrimitive && e.isBoolean -> Value.Bool(e.asBoolean)
            e is JsonPrimitive && e.isNumber -> Value.Number(e.asBigDecimal)
            e is JsonPrimitive -> Value.Text(e.asString)
            e is JsonObject && e.entrySet().all { (_, v) -> v.isJsonArray && v.asJsonArray.all { it is JsonPrimitive && it.isNumber } } ->
                Value.Ratings(e.entrySet().associate { (k, v) -> k to v.asJsonArray.map { it.asBigDecimal } })
            else -> Value.Json(e.toString())
        }

    private fun values(e: JsonElement?): Map<String, Value>? =
        when {
            e == null || e.isJsonNull -> emptyMap()
            e is JsonObject -> e.entrySet().associate { (k, v) -> k to value(v) }
            else -> null
        }

    /** A record as a typed [Employee], or null when the record cannot be written as one (malformed). */
    fun employee(e: JsonElement): Employee? {
        if (e !is JsonObject) return null
        if (e.keySet().any { it !in setOf("id", "values", "attributes") }) return null
        val id = e.get("id")
        if (id !is JsonPrimitive || id.isBoolean) return null
        val vs = values(e.get("values")) ?: return null
        val attrs = values(e.get("attributes")) ?: return null
        return Employee(id.asString, vs, attrs)
    }

    // ---- typed results → the contract's JSON shape ----------------------------------

    private fun dec(d: BigDecimal?): JsonElement = if (d == null) JsonNull.INSTANCE else JsonPrimitive(d.toPlainString())

    private fun status(s: Status): String =
        when (s) {
            Status.SCORED -> "scored"
            Status.MISSING_ZERO -> "missing_zero"
            Status.EXCLUDED -> "excluded"
        }

    fun errorJson(id: String?, e: ErrorDetail): JsonObject =
        JsonObject().apply {
            add("id", if (id == null) JsonNull.INSTANCE else JsonPrimitive(id))
            add(
                "error",
                JsonObject().apply {
                    addProperty("code", e.code)
                    addProperty("message", e.message)
                    e.path?.let { addProperty("path", it) }
                },
            )
        }

    fun cardJson(c: ScoreCard): JsonObject =
        JsonObject().apply {
            addProperty("id", c.id)
            add("score", dec(c.score))
            add("grade", if (c.grade == null) JsonNull.INSTANCE else JsonPrimitive(c.grade))
            add("coefficient", dec(c.coefficient))
            add("subtotal", dec(c.subtotal))
            add(
                "indicators",
                JsonArray().apply {
                    for (i in c.indicators) {
                        add(
                            JsonObject().apply {
                                addProperty("id", i.id)
                                add(
                                    "actual",
                                    when (val a = i.actual) {
                                        null -> JsonNull.INSTANCE
                                        is Actual.Number -> JsonPrimitive(a.value.toPlainString())
                                        is Actual.Bool -> JsonPrimitive(a.value)
                                        is Actual.Text -> JsonPrimitive(a.value)
                                    },
                                )
                                add("achievement", dec(i.achievement))
                                add("weight", dec(i.weight))
                                add("points", dec(i.points))
                                addProperty("status", status(i.status))
                            },
                        )
                    }
                },
            )
            add(
                "adjustments",
                JsonArray().apply {
                    for (a in c.adjustments) {
                        add(
                            JsonObject().apply {
                                addProperty("id", a.id)
                                addProperty("applied", a.applied)
                                add("delta", dec(a.delta))
                            },
                        )
                    }
                },
            )
        }

    fun outcomeJson(o: Outcome): JsonObject =
        when (o) {
            is Outcome.Scored -> cardJson(o.card)
            is Outcome.Failed -> errorJson(o.id, o.error)
        }

    fun outcomesJson(list: List<Outcome>): JsonArray = JsonArray().apply { list.forEach { add(outcomeJson(it)) } }

    // ---- comparison -----------------------------------------------------------------

    private fun decimal(e: JsonElement?): BigDecimal? =
        if (e is JsonPrimitive && (e.isNumber || e.isString)) {
            try {
                BigDecimal(e.asString)
            } catch (_: NumberFormatException) {
                null
            }
        } else {
            null
        }

    private fun isNull(e: JsonElement?) = e == null || e.isJsonNull

    /** Decimals compare as decimals ("1.0" equals "1"), null means absent. */
    fun same(want: JsonElement?, got: JsonElement?): Boolean {
        if (isNull(want) || isNull(got)) return isNull(want) && isNull(got)
        val a = decimal(want)
        val b = decimal(got)
        if (a != null && b != null) return a.compareTo(b) == 0
        return want == got
    }

    private fun show(e: JsonElement?) = e?.toString() ?: "null"

    /** Differences between results (the contract's JSON array) and a vector's expect.results; empty when they agree. */
    fun compare(case: JsonObject, results: JsonElement): List<String> {
        val diffs = mutableListOf<String>()
        val want = case.getAsJsonObject("expect").getAsJsonArray("results") ?: JsonArray()
        val got = if (results.isJsonArray) results.asJsonArray else JsonArray()
        if (want.size() != got.size()) {
            return listOf("expected ${want.size()} results, got ${got.size()}")
        }
        for ((wEl, gEl) in want.zip(got)) {
            val w = wEl.asJsonObject
            val g = gEl.asJsonObject
            val id = w.get("id")?.asString ?: "?"
            if (g.get("id") != w.get("id")) {
                diffs += "$id: result id is ${show(g.get("id"))}"
                continue
            }
            if (w.has("error")) {
                val gotCode = g.getAsJsonObject("error")?.get("code")
                if (gotCode != w.get("error")) {
                    diffs += "$id: expected error ${w.get("error")}, got " + (if (g.has("error")) show(gotCode) else "score ${show(g.get("score"))}")
                }
                continue
            }
            if (g.has("error")) {
                diffs += "$id: expected a score, got error ${g.get("error")}"
                continue
            }
            for (field in listOf("score", "grade", "coefficient", "subtotal")) {
                if (!same(w.get(field), g.get(field))) diffs += "$id.$field: expected ${show(w.get(field))}, got ${show(g.get(field))}"
            }
            val lines = g.getAsJsonArray("indicators") ?: JsonArray()
            for ((key, field) in listOf("points" to "points", "status" to "status")) {
                val map = w.get(key)
                if (map !is JsonObject) continue
                if (map.size() != lines.size()) diffs += "$id.$key: expected ${map.size()} indicators, got ${lines.size()}"
                for ((ind, wv) in map.entrySet()) {
                    val line = lines.map { it.asJsonObject }.firstOrNull { it.get("id")?.asString == ind }
                    when {
                        line == null -> diffs += "$id.$key.$ind: indicator missing from the result"
                        !same(wv, line.get(field)) -> diffs += "$id.$key.$ind: expected $wv, got ${show(line.get(field))}"
                    }
                }
            }
            val adjMap = w.get("adjustments")
            if (adjMap is JsonObject) {
                val adjs = (g.getAsJsonArray("adjustments") ?: JsonArray()).map { it.asJsonObject }
                if (adjMap.size() != adjs.size) diffs += "$id.adjustments: expected ${adjMap.size()} evaluated, got ${adjs.size}"
                for ((adj, applied) in adjMap.entrySet()) {
                    val a = adjs.firstOrNull { it.get("id")?.asString == adj }
                    when {
                        a == null -> diffs += "$id.adjustments.$adj: not in the result"
                        a.get("applied") != applied -> diffs += "$id.adjustments.$adj: expected $applied, got ${show(a.get("applied"))}"
                    }
                }
            }
        }
        return diffs
    }

    /** Whether `full` (the core's JSON) holds every field of `part` (a typed result as JSON), decimals compared as decimals. */
    fun covers(full: JsonElement?, part: JsonElement?): Boolean =
        when {
            part is JsonObject -> full is JsonObject && part.entrySet().all { (k, v) -> covers(full.get(k), v) }
            part is JsonArray -> full is JsonArray && full.size() == part.size() && full.zip(part).all { (f, p) -> covers(f, p) }
            else -> same(part, full)
        }

    fun compareOutcomes(full: JsonElement, typed: JsonArray): Boolean = covers(full, typed)
}
