import Observability
import Testing

/// The text exposition format 0.0.4: structure, escaping, number formatting, histograms.
@Suite struct PrometheusTextTests {
    @Test func counterAndGaugeWithHelpAndType() {
        let text = PrometheusText.render([
            MetricFamily(.counter, "jobs_total", "Jobs done.", value: 3),
            MetricFamily(.gauge, "temperature", "Degrees.", value: -1.5),
        ])
        #expect(
            text == """
                # HELP jobs_total Jobs done.
                # TYPE jobs_total counter
                jobs_total 3
                # HELP temperature Degrees.
                # TYPE temperature gauge
                temperature -1.5

                """)
    }

    @Test func labelledSeriesKeepTheirOrder() {
        let text = PrometheusText.render([
            MetricFamily(
                .counter, "pod_creations_total", "h",
                series: [
                    ([MetricLabel("status", "success"), MetricLabel("language", "python")], 2),
                    ([MetricLabel("status", "failed"), MetricLabel("language", "unknown")], 1),
                ])
        ])
        #expect(text.contains("pod_creations_total{status=\"success\",language=\"python\"} 2\n"))
        #expect(text.contains("pod_creations_total{status=\"failed\",language=\"unknown\"} 1\n"))
    }

    @Test func labelValuesAndHelpAreEscaped() {
        let text = PrometheusText.render([
            MetricFamily(.gauge, "g", "a \\ b\nc \"quoted\"", series: [([MetricLabel("path", "C:\\dir\n\"x\"")], 1)])
        ])
        #expect(text.contains("# HELP g a \\\\ b\\nc \"quoted\"\n"))
        #expect(text.contains("g{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n"))
        // Every line is one line: no raw line feed escaped the value.
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test func familyWithoutSamplesStillDeclaresItself() {
        #expect(
            PrometheusText.render([MetricFamily(.counter, "none_total", "h", series: [])])
                == "# HELP none_total h\n# TYPE none_total counter\n")
    }

    @Test func invalidNamesAreLeftOutNotRendered() {
        let text = PrometheusText.render([
            MetricFamily(.gauge, "9starts_with_digit", "h", value: 1),
            MetricFamily(.gauge, "has-dash", "h", value: 1),
            MetricFamily(
                .gauge, "ok:name_1", "h",
                series: [([MetricLabel("bad-label", "x")], 1), ([MetricLabel("good", "x")], 2)]),
            MetricFamily(.gauge, "reserved", "h", series: [([MetricLabel("__name__", "x")], 1)]),
        ])
        #expect(!text.contains("starts_with_digit") && !text.contains("has-dash") && !text.contains("bad-label"))
        #expect(text.contains("ok:name_1{good=\"x\"} 2\n"))
        #expect(!text.contains("reserved{"))
    }

    @Test(
        arguments: [
            (0.0, "0"), (-0.0, "0"), (42, "42"), (1e15, "1000000000000000"), (0.25, "0.25"), (0.005, "0.005"),
            (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"), (1e300, "1e+300"), (123.456, "123.456"),
        ] as [(Double, String)])
    func numbers(value: Double, expected: String) {
        #expect(PrometheusText.format(value) == expected)
    }

    @Test func histogramIsCumulativeWithInfSumAndCount() {
        var histogram = HistogramValues(bounds: [0.1, 1, 10])
        for value in [0.05, 0.1, 0.5, 3, 20, 20] { histogram.observe(value) }
        let text = PrometheusText.render([
            MetricFamily(histogram: "d_seconds", "h", series: [([MetricLabel("language", "go")], histogram)])
        ])
        #expect(
            text == """
                # HELP d_seconds h
                # TYPE d_seconds histogram
                d_seconds_bucket{language="go",le="0.1"} 2
                d_seconds_bucket{language="go",le="1"} 3
                d_seconds_bucket{language="go",le="10"} 4
                d_seconds_bucket{language="go",le="+Inf"} 6
                d_seconds_sum{language="go"} 43.65
                d_seconds_count{language="go"} 6

                """)
    }

    @Test func histogramsAddOnlyOverTheSameBounds() {
        var a = HistogramValues(bounds: [1, 2])
        a.observe(0.5)
        var b = HistogramValues(bounds: [1, 2])
        b.observe(1.5)
        b.observe(9)
        let added = a.add(b)
        #expect(added)
        #expect(a.counts == [1, 1, 1] && a.count == 3 && a.sum == 11)
        let mismatched = a.add(HistogramValues(bounds: [5]))
        #expect(!mismatched)
        #expect(a.count == 3)
        #expect(HistogramValues(bounds: [1, 2], counts: [1, 2], sum: 0) == nil)
    }

    @Test func contentTypeIsVersion004() {
        #expect(PrometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }
}
