@testable import Events

/// Expected outputs generated with upstream's pinned encoder (pydantic 2.9.2 /
/// pydantic-core 2.23.4) from model classes that mirror docs/upstream-contract.md §3.
enum OracleVectors {
    /// Every ASCII character, DEL and some non-ASCII text.
    static let escapingInput: String =
        "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f} !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}\u{e9}\u{2713}\u{4e16}\u{754c}\u{1f600}\u{2028}\u{2029}\u{feff}"
    /// `pydantic_core.to_json(escapingInput)`.
    static let escapingExpected: String =
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f !\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}\u{e9}\u{2713}\u{4e16}\u{754c}\u{1f600}\u{2028}\u{2029}\u{feff}\""
    /// `(Double bit pattern, pydantic_core.to_json(value))`.
    static let floats: [(bits: UInt64, json: String)] = [
        (0xf2a74de452e6b438, "-1.989032661366619e244"),
        (0x6513270e269e0d37, "7.761117632285041e178"),
        (0x0c5c7fd0a6a3a450, "3.980498358697587e-249"),
        (0xd23f0824128b2f33, "-1.5432835417340557e88"),
        (0x1818e811892f902b, "1.3647584518757569e-192"),
        (0x9531985d5d9dc9f8, "-1.3701135617873088e-206"),
        (0xe8e25d940ed90475, "-1.7160537630466207e197"),
        (0x36f675cc81e74ef5, "6.294675241195386e-44"),
        (0x1600a35a099950d8, "1.0613447212142254e-202"),
        (0x6b0d549b6f03675a, "4.708325160387546e207"),
        (0x3d9c172411e20b8f, "6.387016158513563e-12"),
        (0x8d116ece1738f7d9, "-9.973130378568733e-246"),
        (0x0f21ddb66cad4a26, "8.779753225680271e-236"),
        (0x90c192cfd3ac94af, "-5.795503248498993e-228"),
        (0xf28c105d1fb17c23, "-5.988180159386011e243"),
        (0xa170b33839263059, "-1.306052388527796e-147"),
        (0x953f48f1a09f76b5, "-2.436117699484841e-206"),
        (0x0fd630f1f29d0da9, "2.233386999150174e-232"),
        (0x95e60af593bd04cf, "-3.51527970626667e-203"),
        (0x0cb1e29c658cda14, "1.5987381841032883e-247"),
        (0x3898d190f9ebdacc, "4.6678633181812096e-36"),
        (0x8e81973e0becd7b0, "-8.441872792105456e-239"),
        (0x2217beaddbc496cb, "1.9015657400796622e-144"),
        (0x6b4cb2424a23d596, "7.370437700706684e208"),
        (0x8a6a63ec24ede6a4, "-1.7163996725272777e-258"),
        (0x922766581e27a1c0, "-3.2367190832119987e-221"),
        (0x8f6d05584ef8aa38, "-2.2818334634712625e-234"),
        (0xae97ba94d0eda82f, "-3.0536383926309363e-84"),
        (0x1a61dbe22e44158b, "1.3449551894627777e-181"),
        (0x923a736994e3bf91, "-7.317495976062606e-221"),
        (0x301850c5a38fd547, "5.249822308814304e-77"),
        (0x18f135d25f557203, "1.5450754142984396e-188"),
        (0xb64ce4228c38fb29, "-3.953625698224792e-47"),
        (0x907a70c31012f037, "-2.72491267476498e-229"),
        (0x9e7769b10f4205b4, "-6.505141861548772e-162"),
        (0x7f15052434b9b5df, "1.441484839555994e304"),
        (0x881ed162ae2eb154, "-1.4583679262758548e-269"),
        (0xc6f877186d76b07e, "-7.939416668807721e33"),
        (0x7731af10506bf2ef, "1.4255183989699612e266"),
        (0xec66a78795e761d1, "-1.525315701232403e214"),
        (0x5c90a9587403e430, "7.750545741548908e137"),
        (0x3f98e2774cbd87ad, "0.024301399287089676"),
        (0x2e05319acb5c7427, "5.326960081783017e-87"),
        (0xc7a2ea20b2f14c94, "-1.2570882301712172e37"),
        (0x14f4733f3e7d1bfb, "9.952684009002448e-208"),
        (0x4cdd2055930d6eaf, "1.8721667527122837e62"),
        (0x7ebff20686734721, "3.422978398947072e302"),
        (0x57ee05cde00902c7, "3.6967297937384553e115"),
        (0x72e6cc3ababced20, "3.113284956169447e245"),
        (0x9be4bcfc49b64a08, "-2.6202582260546103e-174"),
        (0x12bd4acefaecbd38, "2.0745096302730225e-218"),
        (0x830e07bc1e398f10, "-5.877500503097409e-294"),
        (0x2a3af4d46b0a18e8, "2.938345597354166e-105"),
        (0x5790f82ec1d3fcff, "6.529598674765832e113"),
        (0xeeeacbe226e87555, "-1.9837344250050814e226"),
        (0x6bf46c697d2caf82, "1.0743030475716402e212"),
        (0xf646e1f40a097c97, "-5.629271400715247e261"),
        (0x13deef86ab1031d0, "5.743310614918485e-213"),
        (0x8ede0d7ac3baea9e, "-4.61515470702556e-237"),
        (0xca02135e92b1d3f2, "-3.302201168194502e48"),
        (0x3fb999999999999a, "0.1"),
        (0x3fe0000000000000, "0.5"),
        (0x3fd5555555555555, "0.3333333333333333"),
        (0x3fe5555555555555, "0.6666666666666666"),
        (0x4059000000000000, "100.0"),
        (0x430c6bf526340000, "1000000000000000.0"),
        (0x4341c37937e08000, "1e16"),
        (0x419d6f3454800000, "123456789.125"),
        (0x3ee4f8b588e368f1, "0.00001"),
        (0x3eef75104d551d69, "0.000015"),
        (0x3ee4f82c188427ba, "9.999e-6"),
        (0x3eb0c6f7a0b5ed8d, "1e-6"),
        (0x444b1ae4d6e2ef50, "1e21"),
        (0x4480f0cf064dd592, "1e22"),
        (0x4340000000000000, "9007199254740992.0"),
        (0x43e0000000000000, "9.223372036854776e18"),
        (0x0000000000000001, "5e-324"),
        (0x0010000000000000, "2.2250738585072014e-308"),
        (0x7fefffffffffffff, "1.7976931348623157e308"),
        (0x3fd3333333333333, "0.3"),
        (0x4011666666666666, "4.35"),
        (0x43118b54f22aeb03, "1234567890123456.8"),
        (0x4345ee2a2eb5a5c4, "1.2345678901234568e16"),
        (0x3f50624dd2f1a9fc, "0.001"),
        (0x8000000000000000, "-0.0"),
        (0xbff8000000000000, "-1.5"),
        (0x3ff0000000000000, "1.0"),
        (0x4024000000000000, "10.0"),
        (0x54b249ad2594c37d, "1e100"),
        (0x3c36b082c2148b8e, "1.23e-18"),
    ]
    /// `ExecutionFailedEvent` with a resource usage whose wall time is the first element.
    static let executionFailedWithUsage: [(wall: Double, json: String)] = [
        (
            1.5,
            "{\"event_id\":\"id-1\",\"event_type\":\"execution_failed\",\"event_version\":\"1.0\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\",\"aggregate_id\":null,\"metadata\":{\"service_name\":\"pod-monitor\",\"service_version\":\"1.0.0\",\"user_id\":\"u-1\",\"environment\":\"production\"},\"execution_id\":\"x\",\"exit_code\":137,\"error_type\":\"resource_limit\",\"resource_usage\":{\"execution_time_wall_seconds\":1.5,\"cpu_time_jiffies\":12,\"clk_tck_hertz\":100,\"peak_memory_kb\":2048},\"stdout\":\"out\\u0001\u{7f}\",\"stderr\":\"\u{e9}\\t\\\"q\\\"\\\\\"}"
        ),
        (
            0.000123,
            "{\"event_id\":\"id-1\",\"event_type\":\"execution_failed\",\"event_version\":\"1.0\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\",\"aggregate_id\":null,\"metadata\":{\"service_name\":\"pod-monitor\",\"service_version\":\"1.0.0\",\"user_id\":\"u-1\",\"environment\":\"production\"},\"execution_id\":\"x\",\"exit_code\":137,\"error_type\":\"resource_limit\",\"resource_usage\":{\"execution_time_wall_seconds\":0.000123,\"cpu_time_jiffies\":12,\"clk_tck_hertz\":100,\"peak_memory_kb\":2048},\"stdout\":\"out\\u0001\u{7f}\",\"stderr\":\"\u{e9}\\t\\\"q\\\"\\\\\"}"
        ),
        (
            1e-07,
            "{\"event_id\":\"id-1\",\"event_type\":\"execution_failed\",\"event_version\":\"1.0\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\",\"aggregate_id\":null,\"metadata\":{\"service_name\":\"pod-monitor\",\"service_version\":\"1.0.0\",\"user_id\":\"u-1\",\"environment\":\"production\"},\"execution_id\":\"x\",\"exit_code\":137,\"error_type\":\"resource_limit\",\"resource_usage\":{\"execution_time_wall_seconds\":1e-7,\"cpu_time_jiffies\":12,\"clk_tck_hertz\":100,\"peak_memory_kb\":2048},\"stdout\":\"out\\u0001\u{7f}\",\"stderr\":\"\u{e9}\\t\\\"q\\\"\\\\\"}"
        ),
        (
            12345678.0,
            "{\"event_id\":\"id-1\",\"event_type\":\"execution_failed\",\"event_version\":\"1.0\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\",\"aggregate_id\":null,\"metadata\":{\"service_name\":\"pod-monitor\",\"service_version\":\"1.0.0\",\"user_id\":\"u-1\",\"environment\":\"production\"},\"execution_id\":\"x\",\"exit_code\":137,\"error_type\":\"resource_limit\",\"resource_usage\":{\"execution_time_wall_seconds\":12345678.0,\"cpu_time_jiffies\":12,\"clk_tck_hertz\":100,\"peak_memory_kb\":2048},\"stdout\":\"out\\u0001\u{7f}\",\"stderr\":\"\u{e9}\\t\\\"q\\\"\\\\\"}"
        ),
        (
            0.0,
            "{\"event_id\":\"id-1\",\"event_type\":\"execution_failed\",\"event_version\":\"1.0\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\",\"aggregate_id\":null,\"metadata\":{\"service_name\":\"pod-monitor\",\"service_version\":\"1.0.0\",\"user_id\":\"u-1\",\"environment\":\"production\"},\"execution_id\":\"x\",\"exit_code\":137,\"error_type\":\"resource_limit\",\"resource_usage\":{\"execution_time_wall_seconds\":0.0,\"cpu_time_jiffies\":12,\"clk_tck_hertz\":100,\"peak_memory_kb\":2048},\"stdout\":\"out\\u0001\u{7f}\",\"stderr\":\"\u{e9}\\t\\\"q\\\"\\\\\"}"
        ),
        (
            2.5e+16,
            "{\"event_id\":\"id-1\",\"event_type\":\"execution_failed\",\"event_version\":\"1.0\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\",\"aggregate_id\":null,\"metadata\":{\"service_name\":\"pod-monitor\",\"service_version\":\"1.0.0\",\"user_id\":\"u-1\",\"environment\":\"production\"},\"execution_id\":\"x\",\"exit_code\":137,\"error_type\":\"resource_limit\",\"resource_usage\":{\"execution_time_wall_seconds\":2.5e16,\"cpu_time_jiffies\":12,\"clk_tck_hertz\":100,\"peak_memory_kb\":2048},\"stdout\":\"out\\u0001\u{7f}\",\"stderr\":\"\u{e9}\\t\\\"q\\\"\\\\\"}"
        ),
    ]
}
