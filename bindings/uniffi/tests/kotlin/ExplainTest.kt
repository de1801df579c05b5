// One employee explained through Kotlin: examples/transfer's T01, who moved from 客服部
// (the service scheme) to 销售部 (the sales scheme) on 2026-04-01, scored per segment and
// combined by days worked, (88.00 × 90 + 95.00 × 91) / 181 = 91.52, grade A; the text is
// the one `kaohe explain` prints (cli/tests/calibrate.rs pins it).
package kaohe.test

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File
import kaohe.KaoheException
import kaohe.Lang
import kaohe.Scheme
import kaohe.explainJson
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class ExplainTest {
    private fun transfer(name: String): String = File(Support.root, "examples/transfer/$name").readText()

    private val salesText = transfer("sales.json")
    private val serviceText = transfer("service.json")
    private val people = transfer("employees.json")
    private val sales = Scheme.fromJson(salesText)
    private val service = Scheme.fromJson(serviceText)

    private val segmentsZh =
        "  分段：客服部（客服部上半年考核） 90 天 88.00 分 + 销售部（销售部上半年考核） 91 天 95.00 分，按天数加权 = 91.52 分（16565 / 181）\n"
    private val segmentsEn =
        "  Segments: 客服部 (Customer service, H1) 90 days 88.00 + 销售部 (Sales, H1) 91 days 95.00, weighted by days = 91.52 (16565 / 181)\n"

    @Test
    fun aTransferIsExplainedSegmentBySegment() {
        val zh = sales.explainEmployee("T01", people, Lang.ZH, listOf(service))
        assertTrue(zh, zh.startsWith("T01 · 销售部上半年考核：总分 91.52，等级 A（绩效系数 1.2）\n" + segmentsZh))
        assertTrue(zh, zh.contains("第 1 段：客服部（客服部上半年考核），2026-01-01 至 2026-03-31，90 天\n"))
        assertTrue(zh, zh.contains("    客户满意度 4.4，目标 5，达成 88%，得 52.80 分（权重 60）\n"))
        assertTrue(zh, zh.contains("第 2 段：销售部（销售部上半年考核），2026-04-01 至 2026-06-30，91 天\n"))
        val en = sales.explainEmployee("T01", people, Lang.EN, listOf(service))
        assertTrue(en, en.startsWith("T01 · Sales, H1: score 91.52, grade A (coefficient 1.2)\n" + segmentsEn))
        assertTrue(en, en.contains("Segment 2: 销售部 (Sales, H1), 2026-04-01 to 2026-06-30, 91 days\n"))
        // One record: the scheme's own explanation of the card.
        val s01 = JsonParser.parseString(people).asJsonArray.first { it.asJsonObject.get("id").asString == "S01" }
        val card = sales.scoreEmployeeJson(s01.toString())
        assertEquals(sales.explain(card, Lang.ZH), sales.explainEmployee("S01", people, Lang.ZH, listOf(service)))
    }

    @Test
    fun theJsonIsWhatKaoheExplainJsonPrints() {
        val text = explainJson(salesText, people, "T01", Lang.EN, listOf(serviceText))
        assertTrue(text, text.startsWith("{\n  \"card\": {"))
        assertEquals(text, sales.explainEmployeeToJson("T01", people, Lang.EN, listOf(service)))
        val out = JsonParser.parseString(text).asJsonObject
        assertEquals("91.52", out.getAsJsonObject("card").get("score").asString)
        assertEquals("A", out.getAsJsonObject("card").get("grade").asString)
        val p = out.getAsJsonObject("proration")
        assertEquals(listOf(181, 181), listOf(p.get("cycle_days").asInt, p.get("days").asInt))
        assertEquals(listOf("16565.00", "91.52"), listOf(p.get("weighted_sum").asString, p.get("score").asString))
        val segments = p.getAsJsonArray("segments").map { it.asJsonObject }
        assertEquals(
            listOf(Triple(90, "88.00", "service-2026h1"), Triple(91, "95.00", "sales-2026h1")),
            segments.map { Triple(it.get("days").asInt, it.get("score").asString, it.getAsJsonObject("scheme").get("id").asString) },
        )
        assertEquals("客服部", segments[0].getAsJsonObject("attributes").get("department").asString)
        val points = segments[0].getAsJsonObject("card").getAsJsonArray("indicators")[0].asJsonObject.get("points").asString
        assertEquals("52.80", points)
        assertEquals(sales.explainEmployee("T01", people, Lang.EN, listOf(service)), out.get("text").asString)
        val zh: JsonObject = JsonParser.parseString(explainJson(salesText, people, "T01", Lang.ZH, listOf(serviceText))).asJsonObject
        assertTrue(zh.get("text").asString.contains(segmentsZh))
    }

    @Test
    fun explainingAnEmployeeFailsWithACodeAndAPlace() {
        try {
            sales.explainEmployee("nobody", people, Lang.ZH, listOf(service))
            fail("expected unknown_employee")
        } catch (e: KaoheException.EmployeeException) {
            assertEquals(listOf("unknown_employee", "id", "nobody"), listOf(e.code, e.path, e.id))
        }
        try {
            explainJson(salesText, people, "nobody", Lang.ZH, listOf(serviceText))
            fail("expected unknown_employee")
        } catch (e: KaoheException.EmployeeException) {
            assertEquals(listOf("unknown_employee", "id", "nobody"), listOf(e.code, e.path, e.id))
        }
        // The service scheme not given (the default): T01's first segment names a scheme that is not there.
        try {
            sales.explainEmployee("T01", people, Lang.ZH)
            fail("expected invalid_input")
        } catch (e: KaoheException.EmployeeException) {
            assertEquals(listOf("invalid_input", "attributes.scheme", "T01"), listOf(e.code, e.path, e.id))
            assertTrue(e.detail, e.detail.contains("'service-2026h1'"))
        }
        try {
            explainJson(salesText, people, "T01", Lang.EN)
            fail("expected invalid_input")
        } catch (e: KaoheException.EmployeeException) {
            assertEquals(listOf("invalid_input", "attributes.scheme", "T01"), listOf(e.code, e.path, e.id))
        }
        // Segment schemes for a scheme that does not prorate.
        try {
            service.explainEmployee("T01", people, Lang.ZH, listOf(sales))
            fail("expected invalid_scheme")
        } catch (e: KaoheException.SchemeException) {
            assertEquals("invalid_scheme", e.code)
            assertEquals("population.proration", e.problems.first().path)
        }
        // A document that is not JSON.
        try {
            sales.explainEmployee("T01", "[{", Lang.ZH, listOf(service))
            fail("expected invalid_document")
        } catch (e: KaoheException.DocumentException) {
            assertEquals("invalid_document", e.code)
        }
    }
}
