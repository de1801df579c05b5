// Errors reach Kotlin as KaoheException subclasses carrying the stable code, the
// message (`detail`), the path, line and column, and for schemes every problem.
package kaohe.test

import java.math.BigDecimal
import kaohe.Actual
import kaohe.Employee
import kaohe.KaoheException
import kaohe.Lang
import kaohe.Outcome
import kaohe.Scheme
import kaohe.Value
import kaohe.scoreJson
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class ErrorTest {
    private inline fun <reified T : KaoheException> expect(block: () -> Unit): T {
        try {
            block()
        } catch (e: KaoheException) {
            if (e is T) return e
            fail("expected ${T::class.simpleName}, got $e")
        }
        fail("expected ${T::class.simpleName}, nothing was thrown")
        throw IllegalStateException()
    }

    private val twoInputs =
        """{"id": "errs", "version": "1", "name": "Errors",
            "inputs": {"a": {"type": "integer", "min": 0, "max": 100}, "b": {"type": "number"}},
            "indicators": [
              {"id": "a", "name": "A", "weight": 50, "value": "a", "scoring": {"type": "ratio", "target": 50}},
              {"id": "b", "name": "B", "weight": 50, "value": "b", "scoring": {"type": "ratio", "target": 10}}]}"""

    private fun num(s: String) = Value.Number(BigDecimal(s))

    @Test
    fun unreadableSchemeIsInvalidScheme() {
        val e = expect<KaoheException.SchemeException> { Scheme.fromJson("{\"id\": ") }
        assertEquals("invalid_scheme", e.code)
        assertTrue(e.detail.isNotEmpty())
        assertEquals(1, e.problems.size)
        assertTrue(e.message!!.contains("invalid_scheme"))
        // Every KaoheException is a kotlin.Exception.
        assertTrue((e as Any) is Exception)
    }

    @Test
    fun everySchemeProblemIsListed() {
        val scheme =
            """{"id": "bad", "version": "1", "name": "Bad", "inputs": {"x": {"type": "number"}},
                "indicators": [
                  {"id": "s", "name": "S", "weight": 50, "value": "x", "scoring": {"type": "ratio", "target": 1}},
                  {"id": "s", "name": "S2", "weight": 40, "value": "y", "scoring": {"type": "ratio", "target": 1}}]}"""
        val e = expect<KaoheException.SchemeException> { Scheme.fromJson(scheme) }
        val codes = e.problems.map { it.code }.toSet()
        assertTrue(codes.toString(), codes.containsAll(listOf("duplicate_id", "weights_mismatch", "unknown_name")))
        assertEquals(e.problems[0].code, e.code)
        assertEquals(e.problems[0].message, e.detail)
        assertTrue(e.problems.all { it.path != null })
    }

    @Test
    fun scriptCompileErrorsCarryLineAndColumn() {
        val scheme =
            """{"id": "syntax", "version": "1", "name": "Syntax", "inputs": {"x": {"type": "number"}},
                "derived": {"twice": "x * * 2"},
                "indicators": [{"id": "i", "name": "I", "weight": 100, "value": "twice", "scoring": {"type": "ratio", "target": 1}}]}"""
        val e = expect<KaoheException.SchemeException> { Scheme.fromJson(scheme) }
        assertEquals("script_compile", e.code)
        assertNotNull(e.path)
        assertTrue(e.path!!, e.path!!.contains("twice"))
        assertEquals(1, e.line)
        assertNotNull(e.column)
        // scoreJson reports the same scheme error.
        val s = expect<KaoheException.SchemeException> { scoreJson(scheme, "[]") }
        assertEquals(e.problems, s.problems)
    }

    @Test
    fun typedEmployeeErrors() {
        Scheme.fromJson(twoInputs).use { scheme ->
            val missing = expect<KaoheException.EmployeeException> { scheme.score(Employee("M1", mapOf("a" to num("10")))) }
            assertEquals("M1", missing.id)
            assertEquals("missing_input", missing.code)
            assertTrue(missing.detail.isNotEmpty())
            assertEquals("values.b", missing.path)

            val wrongType = expect<KaoheException.EmployeeException> { scheme.score(Employee("T1", mapOf("a" to Value.Text("lots"), "b" to num("5")))) }
            assertEquals("invalid_input", wrongType.code)
            assertEquals("values.a", wrongType.path)

            val bounds = expect<KaoheException.EmployeeException> { scheme.score(Employee("B1", mapOf("a" to num("101"), "b" to num("5")))) }
            assertEquals("invalid_input", bounds.code)

            val fraction = expect<KaoheException.EmployeeException> { scheme.score(Employee("F1", mapOf("a" to num("2.5"), "b" to num("5")))) }
            assertEquals("invalid_input", fraction.code)

            // More digits than the core's decimals hold: the core reports it, nothing is rounded silently.
            val huge = expect<KaoheException.EmployeeException> { scheme.score(Employee("H1", mapOf("a" to num("1"), "b" to num("1" + "0".repeat(40))))) }
            assertEquals("invalid_input", huge.code)

            val badJsonValue = expect<KaoheException.EmployeeException> { scheme.score(Employee("J1", mapOf("a" to Value.Json("{not json"), "b" to num("5")))) }
            assertEquals("invalid_input", badJsonValue.code)
            assertEquals("values.a", badJsonValue.path)

            // Absent = Null: a missing input with no default.
            val nullValue = expect<KaoheException.EmployeeException> { scheme.score(Employee("N1", mapOf("a" to num("1"), "b" to Value.Null))) }
            assertEquals("missing_input", nullValue.code)
        }
    }

    @Test
    fun aBadEmployeeFailsAloneInABatch() {
        Scheme.fromJson(twoInputs).use { scheme ->
            val out =
                scheme.scoreMany(
                    listOf(
                        Employee("ok", mapOf("a" to num("25"), "b" to num("5"))),
                        Employee("bad", mapOf("a" to Value.Json("[1,"), "b" to num("5"))),
                        Employee("missing", mapOf("a" to num("10"))),
                        Employee("ok2", mapOf("a" to num("50"), "b" to num("20"))),
                    ),
                )
            assertEquals(4, out.size)
            assertEquals(BigDecimal("50.00"), (out[0] as Outcome.Scored).card.score)
            val bad = out[1] as Outcome.Failed
            assertEquals("bad", bad.id)
            assertEquals("invalid_input", bad.error.code)
            assertEquals("employees[1].values.a", bad.error.path)
            assertEquals("missing_input", (out[2] as Outcome.Failed).error.code)
            assertEquals(BigDecimal("100.00"), (out[3] as Outcome.Scored).card.score)
        }
    }

    @Test
    fun jsonRecordAndDocumentErrors() {
        Scheme.fromJson(twoInputs).use { scheme ->
            val noId = expect<KaoheException.EmployeeException> { scheme.scoreEmployeeJson("""{"values": {"a": 1, "b": 1}}""") }
            assertEquals("invalid_input", noId.code)
            assertNull(noId.id)
            assertEquals("id", noId.path)

            val unknownField = expect<KaoheException.EmployeeException> { scheme.scoreEmployeeJson("""{"id": "U1", "valuez": {}}""") }
            assertEquals("invalid_input", unknownField.code)
            assertEquals("U1", unknownField.id)

            val notJson = expect<KaoheException.DocumentException> { scheme.scoreEmployeeJson("{\"id\": ") }
            assertEquals("invalid_document", notJson.code)
            assertNotNull(notJson.line)

            val badDoc = expect<KaoheException.DocumentException> { scheme.scoreManyJson("[{\"id\": \"x\",") }
            assertEquals("invalid_document", badDoc.code)
            assertEquals("invalid_document", expect<KaoheException.DocumentException> { scheme.scoreToJson("nope") }.code)
            assertEquals("invalid_document", expect<KaoheException.DocumentException> { scoreJson(twoInputs, "[1, 2") }.code)

            // A malformed record in a document is an error entry in its place.
            val out = scheme.scoreManyJson("""[{"id": "a1", "values": {"a": 1, "b": 1}}, {"values": {}}, 42]""")
            assertTrue(out[0] is Outcome.Scored)
            assertEquals("invalid_input", (out[1] as Outcome.Failed).error.code)
            assertEquals("employees[1].id", (out[1] as Outcome.Failed).error.path)
            assertEquals("invalid_input", (out[2] as Outcome.Failed).error.code)

            val noIdColumn = expect<KaoheException.DocumentException> { scheme.scoreRows(listOf("a", "b"), listOf(listOf("1", "2"))) }
            assertEquals("invalid_document", noIdColumn.code)
            assertEquals("id", noIdColumn.path)

            val rows = scheme.scoreRows(listOf("id", "a", "b"), listOf(listOf("r1", "25", "5"), listOf("r2", "x", "5"), listOf("r3", "50", "")))
            assertEquals(BigDecimal("50.00"), (rows[0] as Outcome.Scored).card.score)
            assertEquals("invalid_input", (rows[1] as Outcome.Failed).error.code)
            assertEquals("missing_input", (rows[2] as Outcome.Failed).error.code)
        }
    }

    @Test
    fun runawayScriptsHitTheLimitQuickly() {
        val scheme =
            """{"id": "loop", "version": "1", "name": "Loop", "inputs": {"tasks": {"type": "integer", "min": 0}},
                "indicators": [{"id": "tasks", "name": "Tasks", "weight": 100, "value": "tasks",
                  "scoring": {"type": "script", "script": "let n = 0;\nif actual > 100 { loop { n += 1; } }\nmin(actual / 10, 1.2)"}}]}"""
        Scheme.fromJson(scheme).use { s ->
            val started = System.nanoTime()
            val e = expect<KaoheException.EmployeeException> { s.score(Employee("L2", mapOf("tasks" to num("500")))) }
            val seconds = (System.nanoTime() - started) / 1e9
            assertEquals("script_limit", e.code)
            assertTrue("took $seconds s", seconds < 5.0)
            // The library lives on.
            assertEquals(BigDecimal("80.00"), s.score(Employee("L1", mapOf("tasks" to num("8")))).score)
        }
    }

    @Test
    fun explainingAForgedCardFailsCleanly() {
        Scheme.fromJson(twoInputs).use { scheme ->
            val card = scheme.score(Employee("ok", mapOf("a" to num("25"), "b" to num("5"))))
            assertTrue(scheme.explain(card, Lang.EN).isNotEmpty())
            // BigDecimal cannot hold a non-number, but a decimal beyond the core's range can be forged.
            val forged = card.copy(score = BigDecimal("1e40"))
            val e = expect<KaoheException.EmployeeException> { scheme.explain(forged, Lang.EN) }
            assertEquals("invalid_input", e.code)
            assertEquals("score", e.path)
            assertEquals(Actual.Number(BigDecimal("25")), card.indicators[0].actual)
        }
    }
}
