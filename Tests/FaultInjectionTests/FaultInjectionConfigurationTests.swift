import FaultInjection
import RPCCore
import Testing

@Suite("fault injection configuration")
struct FaultInjectionConfigurationTests {
    @Test("defaults inject nothing and keep metadata faults off")
    func defaults() throws {
        let configuration = try FaultInjectionInterceptor.Configuration()
        #expect(configuration.rules.isEmpty)
        #expect(configuration.phases.isEmpty)
        #expect(configuration.allowsMetadataFaults == false)
        #expect(configuration.seed == nil)
        #expect(FaultRule().isEmpty)
        #expect("\(FaultRule())" == "no faults")
    }

    @Test("validation names every bad field at once")
    func validation() {
        var bad = FaultRule(scope: .service(""), errorRate: 1.5, errorCode: .ok, hangRate: -0.1, pushbackMilliseconds: -1)
        bad.latency = LatencyDistribution(minimum: .milliseconds(20), maximum: .milliseconds(2), tailRate: 2)
        bad.outage = OutageWindow(start: .seconds(1), length: .seconds(5), period: .seconds(5))
        do {
            _ = try FaultInjectionInterceptor.Configuration(
                rules: [bad],
                phases: [FaultPhase(name: "", duration: .zero, rules: [FaultRule(dropRate: .nan)])],
                name: ""
            )
            Issue.record("expected a validation error")
        } catch {
            #expect(error.fields == [
                "rules[0].scope", "rules[0].errorRate", "rules[0].errorCode", "rules[0].latency.maximum",
                "rules[0].latency.tailRate", "rules[0].hangRate", "rules[0].outage.period", "rules[0].pushbackMilliseconds",
                "phases[0].name", "phases[0].duration", "phases[0].rules[0].dropRate", "name",
            ])
            #expect("\(error)".hasPrefix("invalid FaultInjectionInterceptor.Configuration (12 problems): rules[0].scope is service ''"))
            #expect("\(error)".contains("rules[0].errorRate is 1.5; it must be in 0...1"))
        }
    }

    @Test("rule and phase descriptions say what is injected")
    func descriptions() {
        var rule = FaultRule(scope: .method(getProduct), errorRate: 0.3, latency: .uniform(.milliseconds(2) ... .milliseconds(20)))
        #expect("\(rule)" == "30% UNAVAILABLE, 2-20 ms latency (for /catalog.v1.Catalog/GetProduct)")
        rule.scope = .all
        rule.resetRate = 0.125
        #expect("\(rule)" == "30% UNAVAILABLE, 2-20 ms latency, 12.5% resets (INTERNAL_ERROR)")
        // A range that reaches a second names both units (it once printed "500-2 s").
        #expect("\(LatencyDistribution.uniform(.milliseconds(500) ... .seconds(2)))" == "500 ms-2 s latency")
        #expect("\(LatencyDistribution.uniform(.milliseconds(1500) ... .milliseconds(2500)))" == "1.5 s-2.5 s latency")
        #expect("\(LatencyDistribution.fixed(.milliseconds(5)).withTail(rate: 0.01, latency: .milliseconds(800)))" == "5 ms latency, 1% tail of 800 ms")
        #expect("\(FaultPhase(name: "outage", duration: .seconds(8), rules: [FaultRule(outage: .always)]))" == "outage for 8 s: every call fails UNAVAILABLE (outage)")
        #expect(TransportFault.ResetCode(name: "refused_stream") == .refusedStream)
        #expect(TransportFault.ResetCode(name: "bogus") == nil)
    }
}
