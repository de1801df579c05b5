// Throughput of the Kotlin binding on the JVM (run by bench.sh against a release build):
// the photo-studio scheme, N synthetic employees, each entry point timed after a warm-up.
package kaohe.bench

import java.io.File
import java.math.BigDecimal
import kaohe.Employee
import kaohe.Outcome
import kaohe.Scheme
import kaohe.Value
import kaohe.scoreJson

private fun employees(n: Int): List<Employee> =
    (0 until n).map { i ->
        val consultations = 20 + i % 50
        Employee(
            id = "E%06d".format(i),
            values =
                mapOf(
                    "consultations" to Value.Number(BigDecimal(consultations)),
                    "orders" to Value.Number(BigDecimal(i % consultations)),
                    "satisfaction" to Value.Number(BigDecimal("3.${i % 10}")),
                    "repeat_rate" to Value.Number(BigDecimal("0.${10 + i % 30}")),
                    "late_count" to Value.Number(BigDecimal(i % 6)),
                ),
            attributes = mapOf("department" to Value.Text("运营部")),
        )
    }

private fun json(list: List<Employee>): String =
    list.joinToString(",\n", "[", "]") { e ->
        val v = e.values.entries.joinToString(", ") { (k, x) -> "\"$k\": ${(x as Value.Number).value.toPlainString()}" }
        "{\"id\": \"${e.id}\", \"attributes\": {\"department\": \"运营部\"}, \"values\": {$v}}"
    }

private fun <T> time(label: String, n: Int, reps: Int, block: () -> T): T {
    var result = block() // warm-up
    repeat(2) { result = block() }
    val started = System.nanoTime()
    repeat(reps) { result = block() }
    val seconds = (System.nanoTime() - started) / 1e9 / reps
    println("%-44s %9.2f ms  %8.1f µs/employee  %9.0f employees/s".format(label, seconds * 1e3, seconds * 1e6 / n, n / seconds))
    return result
}

fun main(args: Array<String>) {
    val root = File(System.getProperty("kaohe.root") ?: "../..")
    val n = args.firstOrNull()?.toInt() ?: 10_000
    val schemeText = File(root, "examples/photo-studio/scheme.json").readText()
    val typed = employees(n)
    val text = json(typed)
    println("kaohe Kotlin binding, $n employees, ${Runtime.getRuntime().availableProcessors()} cores")
    Scheme.fromJson(schemeText).use { scheme ->
        time("Scheme.fromJson (load + compile, per scheme)", 1, 200) { Scheme.fromJson(schemeText).close() }
        time("scoreJson(schemeJson, employeesJson)", n, 5) { scoreJson(schemeText, text) }
        time("scheme.scoreToJson(employeesJson)", n, 5) { scheme.scoreToJson(text) }
        time("scheme.scoreManyJson(employeesJson) typed", n, 5) { scheme.scoreManyJson(text) }
        val out = time("scheme.scoreMany(List<Employee>) typed", n, 5) { scheme.scoreMany(typed) }
        check(out.size == n && out.all { it is Outcome.Scored })
        val one = typed.take(2_000)
        time("scheme.score(Employee), one call each", one.size, 10) { one.forEach { scheme.score(it) } }
        val oneJson = one.map { json(listOf(it)).removePrefix("[").removeSuffix("]") }
        time("scheme.scoreEmployeeJson(json), one call each", one.size, 10) { oneJson.forEach { scheme.scoreEmployeeJson(it) } }
    }
}
