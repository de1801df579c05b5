// Population results through Kotlin: every population vector through calibrateJson and
// Scheme.calibrateToJson (the same text), hand-computed figures, and infeasible quotas.
package kaohe.test

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File
import java.math.BigDecimal
import kaohe.KaoheException
import kaohe.Scheme
import kaohe.calibrateJson
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class PopulationTest {
    private val dir = File(Support.root, "spec/vectors/population")

    private fun case(name: String): JsonObject = JsonParser.parseString(File(dir, name).readText()).asJsonObject

    @Test
    fun everyVectorAgrees() {
        val files = (dir.listFiles { f -> f.name.endsWith(".json") } ?: emptyArray()).sortedBy { it.name }
        assertTrue("population vectors missing", files.size >= 10)
        for (f in files) {
            val c = case(f.name)
            val expect = c.getAsJsonObject("expect")
            val schemeText = c.get("scheme").toString()
            val employeesText = c.get("employees").toString()
            if (expect.has("scheme_errors")) {
                try {
                    calibrateJson(schemeText, employeesText)
                    fail("${f.name}: expected a scheme error")
                } catch (e: KaoheException.SchemeException) {
                    val want = expect.getAsJsonArray("scheme_errors").map { it.asJsonObject.get("code").asString }
                    assertEquals(f.name, want, e.problems.map { it.code })
                }
                continue
            }
            val scheme = Scheme.fromJson(schemeText)
            if (expect.has("error")) {
                try {
                    scheme.calibrateToJson(employeesText)
                    fail("${f.name}: expected an error")
                } catch (e: KaoheException.SchemeException) {
                    assertEquals(f.name, "quota_infeasible", e.code)
                    assertTrue(e.detail, e.detail.contains("department=small"))
                }
                continue
            }
            assertEquals(f.name, calibrateJson(schemeText, employeesText), scheme.calibrateToJson(employeesText))
        }
    }

    @Test
    fun aMidCycleTransferIsCombinedByDays() {
        val c = case("proration-transfer.json")
        val text = Scheme.fromJson(c.get("scheme").toString()).calibrateToJson(c.get("employees").toString())
        val members = JsonParser.parseString(text).asJsonObject.getAsJsonArray("members").map { it.asJsonObject }
        val t1 = members.first { it.get("id").asString == "t1" }
        assertEquals(BigDecimal("87.54"), BigDecimal(t1.get("score").asString))
        assertEquals(181, t1.get("days").asInt)
        assertEquals(2, t1.getAsJsonArray("segments").size())
        val n1 = members.first { it.get("id").asString == "n1" }
        assertEquals(BigDecimal("10110.50"), BigDecimal(n1.getAsJsonObject("pay").get("performance_pay").asString))
    }

    private fun transfer(name: String): String = File(Support.root, "examples/transfer/$name").readText()

    private fun obj(text: String): JsonObject = JsonParser.parseString(text).asJsonObject

    /**
     * examples/transfer: T01 moved from 客服部 (the service scheme) to 销售部 (the sales
     * scheme) on 2026-04-01: 88.00 for 90 days and 95.00 for 91 days,
     * (88.00 × 90 + 95.00 × 91) / 181 = 16565 / 181 = 91.52, grade A from the sales bands,
     * pay 10000 × 1.2 × 181/181 = 12000.00 (the figures of cli/tests/calibrate.rs).
     */
    @Test
    fun aTransferBetweenSchemesIsCombinedByDays() {
        val (salesText, serviceText, people) = listOf("sales.json", "service.json", "employees.json").map(::transfer)
        val sales = Scheme.fromJson(salesText)
        val service = Scheme.fromJson(serviceText)
        val text = sales.calibrateToJson(people, listOf(service))
        val members = obj(text).getAsJsonArray("members").map { it.asJsonObject }
        assertEquals(listOf("S01", "T01", "S02", "S03"), members.map { it.get("id").asString })
        val t01 = members[1]
        assertEquals(BigDecimal("91.52"), BigDecimal(t01.get("score").asString))
        assertEquals(BigDecimal(16565).divide(BigDecimal(181), 2, java.math.RoundingMode.HALF_UP), BigDecimal(t01.get("score").asString))
        assertEquals("A", t01.get("raw_grade").asString)
        assertEquals("A", t01.get("grade").asString)
        assertEquals(181, t01.get("days").asInt)
        assertEquals(BigDecimal("12000.00"), BigDecimal(t01.getAsJsonObject("pay").get("performance_pay").asString))
        val segments = t01.getAsJsonArray("segments").map { it.asJsonObject }
        assertEquals(
            listOf(Triple(90, "88.00", "service-2026h1"), Triple(91, "95.00", "sales-2026h1")),
            segments.map { Triple(it.get("days").asInt, it.get("score").asString, it.getAsJsonObject("scheme").get("id").asString) },
        )
        // The JSON entry point gives the same text from the schemes' texts.
        assertEquals(text, calibrateJson(salesText, people, listOf(serviceText)))
    }

    @Test
    fun aSegmentNamingASchemeNotGivenFailsAtAttributesScheme() {
        val (salesText, _, people) = listOf("sales.json", "service.json", "employees.json").map(::transfer)
        // The default: no segment schemes.
        val text = Scheme.fromJson(salesText).calibrateToJson(people)
        val result = obj(text)
        assertEquals(listOf("S01", "S02", "S03"), result.getAsJsonArray("members").map { it.asJsonObject.get("id").asString })
        val errors = result.getAsJsonArray("errors").map { it.asJsonObject }
        assertEquals(1, errors.size)
        assertEquals("T01", errors[0].get("id").asString)
        val error = errors[0].getAsJsonObject("error")
        assertEquals("invalid_input", error.get("code").asString)
        assertEquals("attributes.scheme", error.get("path").asString)
        assertTrue(error.get("message").asString, error.get("message").asString.contains("'service-2026h1'"))
        assertEquals(text, calibrateJson(salesText, people))
    }

    @Test
    fun segmentSchemesAreChecked() {
        val (salesText, serviceText, people) = listOf("sales.json", "service.json", "employees.json").map(::transfer)
        val sales = Scheme.fromJson(salesText)
        val service = Scheme.fromJson(serviceText)
        try {
            service.calibrateToJson(people, listOf(sales))
            fail("expected invalid_scheme: the service scheme does not prorate")
        } catch (e: KaoheException.SchemeException) {
            assertEquals("invalid_scheme", e.code)
            assertEquals("population.proration", e.problems.first().path)
        }
        try {
            sales.calibrateToJson(people, listOf(service, service))
            fail("expected duplicate_id")
        } catch (e: KaoheException.SchemeException) {
            assertEquals("duplicate_id", e.code)
            assertEquals("segment_schemes[1]", e.problems.first().path)
        }
        val broken = serviceText.replace("\"weight\": 60", "\"weight\": 50")
        try {
            calibrateJson(salesText, people, listOf(broken))
            fail("expected weights_mismatch")
        } catch (e: KaoheException.SchemeException) {
            assertEquals("weights_mismatch", e.code)
            assertTrue(e.problems.toString(), e.problems.all { it.path?.startsWith("segment_schemes[0]") == true })
        }
    }
}
