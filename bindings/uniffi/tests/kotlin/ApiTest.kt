// The typed Kotlin API on the photo-studio example: loading, check(), scoring one and
// many employees (typed, JSON, table rows), BigDecimal decimals, explanations, threads.
package kaohe.test

import java.math.BigDecimal
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import kaohe.Actual
import kaohe.Employee
import kaohe.Lang
import kaohe.Outcome
import kaohe.Scheme
import kaohe.Status
import kaohe.Value
import kaohe.errorCodes
import kaohe.parseLang
import kaohe.scoreJson
import org.junit.AfterClass
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.Test

class ApiTest {
    companion object {
        private lateinit var scheme: Scheme
        private val schemeText = Support.example("scheme.json")
        private val employeesText = Support.example("employees.json")

        @BeforeClass
        @JvmStatic
        fun load() {
            scheme = Scheme.fromJson(schemeText)
        }

        @AfterClass
        @JvmStatic
        fun close() {
            scheme.close()
        }

        /** E001 of the contract: 45 % conversion, 4.5 satisfaction, 35 % repeat → 30 + 40 + 30 = 100. */
        val e001 =
            Employee(
                id = "E001",
                values =
                    mapOf(
                        "consultations" to Value.Number(BigDecimal("40")),
                        "orders" to Value.Number(BigDecimal("18")),
                        "satisfaction" to Value.Number(BigDecimal("4.5")),
                        "repeat_rate" to Value.Number(BigDecimal("0.35")),
                    ),
                attributes = mapOf("name" to Value.Text("林晓"), "level" to Value.Text("P5")),
            )
    }

    @Test
    fun checkSummarisesTheScheme() {
        val s = scheme.check()
        assertEquals("photo-studio-ops", s.id)
        assertEquals("2026.1", s.version)
        assertEquals("影楼运营部月度考核", s.nameZh)
        assertEquals("Photo studio operations, monthly", s.nameEn)
        assertTrue(s.hash, s.hash.startsWith("sha256:"))
        assertEquals(listOf("conversion", "satisfaction", "repeat"), s.indicatorIds)
        assertTrue(s.inputNames.containsAll(listOf("consultations", "orders", "satisfaction", "repeat_rate", "late_count")))
        assertEquals(s.hash, scheme.hash())
        assertEquals(s.id, scheme.id())
        assertEquals(s.version, scheme.version())
        assertTrue(s.nativeExpressions + s.scriptExpressions > 0u)
    }

    @Test
    fun yamlAndJsonLoadTheSameScheme() {
        Scheme.fromYaml(Support.example("scheme.yaml")).use { assertEquals(scheme.hash(), it.hash()) }
    }

    @Test
    fun scoresATypedEmployeeWithBigDecimals() {
        val card = scheme.score(e001)
        assertEquals("E001", card.id)
        val score: BigDecimal = card.score
        assertEquals(BigDecimal("100.00"), score) // scale kept: exactly the core's "100.00"
        assertEquals("S", card.grade)
        assertEquals(0, BigDecimal("1.5").compareTo(card.coefficient))
        assertEquals(0, BigDecimal("100").compareTo(card.subtotal))
        assertEquals(listOf("conversion", "satisfaction", "repeat"), card.indicators.map { it.id })
        val conversion = card.indicators[0]
        assertEquals(Status.SCORED, conversion.status)
        assertEquals(Actual.Number(BigDecimal("0.45")), conversion.actual)
        assertEquals(BigDecimal("30.00"), conversion.points)
        assertEquals(listOf("lateness"), card.adjustments.map { it.id })
        assertEquals(false, card.adjustments[0].applied)
        assertEquals(Value.Text("林晓"), card.attributes["name"])
        assertEquals("photo-studio-ops", card.scheme.id)
        assertEquals(scheme.hash(), card.scheme.hash)
        // The same employee as a JSON record.
        val viaJson =
            scheme.scoreEmployeeJson(
                """{"id": "E001", "attributes": {"name": "林晓", "level": "P5"},
                   "values": {"consultations": 40, "orders": 18, "satisfaction": 4.5, "repeat_rate": 0.35}}""",
            )
        assertEquals(card, viaJson)
    }

    @Test
    fun decimalsAreExact() {
        // 0.1 + 0.2 style inputs stay exact: no binary floating point anywhere.
        val card =
            scheme.score(
                e001.copy(values = e001.values + ("repeat_rate" to Value.Number(BigDecimal("0.1")))),
            )
        // repeat: 0.1 / 0.25 = 40 % of 30 points = 12.00.
        assertEquals(BigDecimal("12.00"), card.indicators[2].points)
        assertEquals(Actual.Number(BigDecimal("0.1")), card.indicators[2].actual)
    }

    @Test
    fun scoreManyJsonTypedAndRowsAgree() {
        val fromJson = scheme.scoreManyJson(employeesText)
        assertEquals(8, fromJson.size)
        assertTrue(fromJson.all { it is Outcome.Scored })
        val records = Support.parse(employeesText).asJsonArray
        val typed = scheme.scoreMany(records.map { Support.employee(it)!! })
        assertEquals(fromJson, typed)

        val lines = Support.example("employees.csv").trim().lines()
        val headers = lines.first().split(",")
        val rows = lines.drop(1).map { it.split(",") }
        val fromRows = scheme.scoreRows(headers, rows)
        assertEquals(
            fromJson.map { Support.outcomeJson(it) }.toString(),
            fromRows.map { Support.outcomeJson(it) }.toString(),
        )

        // The conformance entry point gives the same results as JSON text.
        val text = scoreJson(schemeText, employeesText)
        assertTrue(Support.compareOutcomes(Support.parse(text), Support.outcomesJson(fromJson)))
        assertEquals(text, scheme.scoreToJson(employeesText))
    }

    @Test
    fun scoreJsonIsTheCliJsonText() {
        val text = scoreJson(schemeText, employeesText)
        assertTrue(text.startsWith("[\n  {\n    \"id\": \"E001\",\n    \"score\": \"100.00\""))
        assertTrue(!text.endsWith("\n"))
        // JSON Lines input gives the same text.
        val jsonl = Support.parse(employeesText).asJsonArray.joinToString("\n") { it.toString() }
        assertEquals(text, scoreJson(schemeText, jsonl))
        // Byte for byte what `kaohe score --format json` prints (when test.sh hands over the CLI).
        Support.cliScoreJson(schemeText, employeesText)?.let { assertEquals(it, text) }
    }

    @Test
    fun explainsInChineseAndEnglish() {
        val card = scheme.score(e001)
        val zh = scheme.explain(card, Lang.ZH)
        assertTrue(zh, zh.startsWith("E001 · 影楼运营部月度考核：总分 100.00"))
        assertTrue(zh, zh.contains("客户转化率"))
        val en = scheme.explain(card, Lang.EN)
        assertTrue(en, en.startsWith("E001 · Photo studio operations, monthly: score 100.00"))
        assertTrue(en, en.contains("Conversion rate"))
        assertEquals(Lang.ZH, parseLang("zh-CN"))
        assertEquals(Lang.EN, parseLang("en_US"))
        assertNull(parseLang("fr"))
        assertEquals(en, scheme.explain(card, parseLang("en")!!))
    }

    @Test
    fun errorCodeCatalogue() {
        val codes = errorCodes()
        assertEquals(21, codes.size)
        val byCode = codes.associateBy { it.code }
        assertTrue(byCode.getValue("weights_mismatch").isSchemeError)
        assertTrue(byCode.getValue("quota_infeasible").isSchemeError)
        assertTrue(!byCode.getValue("missing_input").isSchemeError)
        assertNotNull(byCode["internal_error"])
        assertTrue(codes.all { it.description.isNotEmpty() })
    }

    @Test
    fun oneSchemeIsSharedAcrossThreads() {
        val want = scheme.scoreManyJson(employeesText)
        val pool = Executors.newFixedThreadPool(8)
        try {
            val tasks = (1..32).map { Callable { scheme.scoreManyJson(employeesText) } }
            for (f in pool.invokeAll(tasks)) assertEquals(want, f.get())
        } finally {
            pool.shutdown()
        }
    }
}
