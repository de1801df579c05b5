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
}
