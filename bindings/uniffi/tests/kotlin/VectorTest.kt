// Replays every acceptance vector (spec/vectors/ and ../shared/spec/vectors/) on the JVM:
// through scoreJson (the conformance entry point) and through the typed API.
package kaohe.test

import com.google.gson.JsonArray
import com.google.gson.JsonObject
import java.io.File
import kaohe.KaoheException
import kaohe.Outcome
import kaohe.Scheme
import kaohe.scoreJson
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.junit.runners.Parameterized

@RunWith(Parameterized::class)
class VectorTest(private val name: String, private val file: File) {
    companion object {
        @JvmStatic
        @Parameterized.Parameters(name = "{0}")
        fun vectors(): List<Array<Any>> {
            val files = Support.vectorFiles()
            check(files.isNotEmpty()) { "no vectors found under ${Support.vectorDirs}" }
            return files.map { arrayOf("${it.parentFile.parentFile.parentFile.name}/${it.name}", it) }
        }
    }

    private val case: JsonObject = Support.parse(Support.read(file)).asJsonObject
    private val schemeText: String = case.get("scheme").toString()
    private val employeesText: String = case.get("employees").toString()
    private val schemeError: String? = case.getAsJsonObject("expect").get("scheme_error")?.asString

    private fun assertAgrees(label: String, results: com.google.gson.JsonElement) {
        val diffs = Support.compare(case, results)
        assertTrue("$name $label:\n    " + diffs.joinToString("\n    "), diffs.isEmpty())
    }

    private fun assertSchemeError(label: String, e: KaoheException) {
        if (e !is KaoheException.SchemeException) fail("$name $label: expected a scheme error $schemeError, got $e")
        val s = e as KaoheException.SchemeException
        assertTrue(
            "$name $label: expected scheme error $schemeError, got ${s.problems}",
            s.code == schemeError || s.problems.any { it.code == schemeError },
        )
        assertTrue("$name $label: the problems are listed", s.problems.isNotEmpty())
        assertEquals(s.problems[0].code, s.code)
        for (p in s.problems) {
            assertTrue("$name $label: a scheme error has no location: $p", p.path != null || p.line != null)
        }
    }

    @Test
    fun scoreJsonAgrees() {
        if (schemeError != null) {
            try {
                scoreJson(schemeText, employeesText)
                fail("$name: expected scheme error $schemeError, the scheme loaded")
            } catch (e: KaoheException) {
                assertSchemeError("scoreJson", e)
            }
            return
        }
        val text = scoreJson(schemeText, employeesText)
        assertAgrees("scoreJson", Support.parse(text))
        // Exactly the text of `kaohe score --format json`.
        Support.cliScoreJson(schemeText, employeesText)?.let { assertEquals("$name: scoreJson vs the CLI", it, text) }
    }

    @Test
    fun typedApiAgrees() {
        val scheme =
            try {
                Scheme.fromJson(schemeText)
            } catch (e: KaoheException) {
                if (schemeError != null) {
                    assertSchemeError("Scheme.fromJson", e)
                    return
                }
                throw e
            }
        scheme.use {
            if (schemeError != null) fail("$name: expected scheme error $schemeError, the scheme loaded")
            val records = case.getAsJsonArray("employees")
            val typed = records.map { Support.employee(it) }

            // One at a time: score(employee) for typed records, scoreEmployeeJson for the others.
            val single = JsonArray()
            for ((record, employee) in records.zip(typed)) {
                try {
                    val card = if (employee != null) scheme.score(employee) else scheme.scoreEmployeeJson(record.toString())
                    single.add(Support.cardJson(card))
                } catch (e: KaoheException.EmployeeException) {
                    single.add(Support.errorJson(e.id, kaohe.ErrorDetail(e.code, e.detail, e.path, e.line, e.column)))
                }
            }
            assertAgrees("score", single)

            // The whole batch from JSON text, typed outcomes.
            val fromJson = scheme.scoreManyJson(employeesText)
            assertAgrees("scoreManyJson", Support.outcomesJson(fromJson))

            // The whole batch as typed employees (when every record can be written as one).
            if (typed.all { it != null }) {
                val many = scheme.scoreMany(typed.map { it!! })
                assertAgrees("scoreMany", Support.outcomesJson(many))
                assertEquals("$name: scoreMany and scoreManyJson give the same cards", fromJson.map(::cardsOnly), many.map(::cardsOnly))
            }

            // The compiled scheme's JSON output is exactly scoreJson's text.
            assertEquals("$name: scoreToJson", scoreJson(schemeText, employeesText), scheme.scoreToJson(employeesText))
        }
    }

    private fun cardsOnly(o: Outcome): Any? =
        when (o) {
            is Outcome.Scored -> o.card
            is Outcome.Failed -> o.error.code
        }
}
