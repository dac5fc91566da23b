import ExampleServices
import RPCCore
import Testing

/// The flag parser shared by flaky-server, example-server and example-client.
@Suite("command-line flags")
struct CommandLineFlagsTests {
    /// The error `finish` throws with `more`, as text; "" when it does not throw.
    static func failure(_ flags: CommandLineFlags, _ more: [String] = []) -> String {
        do {
            try flags.finish(more)
            return ""
        } catch {
            return error.description
        }
    }

    @Test("every unknown flag is reported together with the other problems, then the known flags")
    func unknownFlagsWithBadValues() {
        let flags = CommandLineFlags(
            ["--error-rate", "nan", "--bogus", "--port", "x", "--nope=1", "--also", "value"],
            known: ["error-rate", "port"], switches: ["help"]
        )
        var problems: [String] = []
        do { _ = try flags.double("error-rate", default: 0) } catch { problems.append("\(error)") }
        do { _ = try flags.int("port", default: 1, in: 0...65535) } catch { problems.append("\(error)") }
        let text = Self.failure(flags, problems)
        #expect(text == """
            --bogus is not a known flag
            --nope is not a known flag
            --also is not a known flag
            --error-rate expects a number, got 'nan'
            --port expects an integer, got 'x'
            known flags: --error-rate, --help, --port
            """)
    }

    @Test("a repeated flag or switch is an error naming it, not last-wins")
    func repeatedFlag() throws {
        let flags = CommandLineFlags(["--error-rate", "0.5", "--error-rate=0.6", "--quiet", "--quiet", "--error-rate", "0.7"],
                                     known: ["error-rate"], switches: ["quiet"])
        #expect(flags.problems == [
            "--error-rate is given more than once ('0.5', then '0.6'); give it once",
            "--quiet is given more than once; give it once",
        ])
        #expect(try flags.double("error-rate", default: 0) == 0.5)
        #expect(!Self.failure(flags).contains("known flags"), "no unknown flag, so no list")
    }

    @Test("a flag without a value, and a stray argument, are named")
    func missingValues() {
        let flags = CommandLineFlags(["stray", "--port", "--seed", "3", "--host"], known: ["port", "seed", "host"])
        #expect(flags.problems == [
            "'stray' is an unexpected argument; flags look like --name value",
            "--port needs a value",
            "--host needs a value",
        ])
    }

    @Test("--seed takes 0...UInt64.max; a negative seed is rejected, not wrapped")
    func seeds() throws {
        #expect(try CommandLineFlags(["--seed", "0"], known: ["seed"]).seed(default: 1) == 0)
        #expect(try CommandLineFlags(["--seed", "18446744073709551615"], known: ["seed"]).seed(default: 1) == UInt64.max)
        #expect(try CommandLineFlags([], known: ["seed"]).seed(default: 1) == 1)
        for (text, message) in [
            ("-1", "--seed must be within 0...18446744073709551615, got -1"),
            ("18446744073709551616", "--seed expects an integer in 0...18446744073709551615, got '18446744073709551616'"),
            ("x", "--seed expects an integer in 0...18446744073709551615, got 'x'"),
        ] {
            #expect {
                _ = try CommandLineFlags(["--seed", text], known: ["seed"]).seed(default: 1)
            } throws: { error in
                "\(error)" == message
            }
        }
    }

    @Test("--host takes IPv4 and IPv6 literals and localhost; anything else is named")
    func hosts() throws {
        for good in ["127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "localhost"] {
            #expect(try CommandLineFlags(["--host", good], known: ["host"]).host(default: "x") == good)
        }
        for bad in ["", "nosuch.invalid", "example.com", "256.1.1.1", "[::1]", "127.0.0.1:80"] {
            #expect {
                _ = try CommandLineFlags(["--host", bad], known: ["host"]).host(default: "127.0.0.1")
            } throws: { error in
                "\(error)" == "--host must be an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, got '\(bad)'"
            }
        }
    }

    @Test("every message names its flag first")
    func messageStyle() {
        let flags = CommandLineFlags(["--a", "x", "--b", "7", "--c", "-2"], known: ["a", "b", "c"])
        var messages: [String] = []
        do { _ = try flags.int("a", default: 0) } catch { messages.append("\(error)") }
        do { _ = try flags.int("b", default: 0, in: 1...5) } catch { messages.append("\(error)") }
        do { _ = try flags.seconds("c", default: 0) } catch { messages.append("\(error)") }
        #expect(messages == [
            "--a expects an integer, got 'x'",
            "--b must be within 1...5, got 7",
            "--c must be within 0.0...86400.0 seconds, got -2.0",
        ])
    }

    @Test("--error-code takes a status name in any case or its number, and refuses OK and unknown names (both servers read it this way)")
    func errorCodes() throws {
        func code(_ value: String) throws(CommandLineFlags.Error) -> Status.Code {
            try CommandLineFlags(["--error-code", value], known: ["error-code"], switches: []).errorCode("error-code", default: .unavailable)
        }
        #expect(try code("RESOURCE_EXHAUSTED") == .resourceExhausted)
        #expect(try code("resource_exhausted") == .resourceExhausted)
        #expect(try code("14") == .unavailable)
        #expect(try CommandLineFlags([], known: ["error-code"], switches: []).errorCode("error-code", default: .dataLoss) == .dataLoss)
        for bad in ["OK", "0", "FINE", "99", ""] {
            #expect(throws: CommandLineFlags.Error.self, "\(bad)") { try code(bad) }
        }
        do {
            _ = try code("FINE")
        } catch {
            #expect(error.description.hasPrefix("--error-code 'FINE' is not a non-OK status code; use one of CANCELLED, UNKNOWN,"), "\(error)")
        }
    }
}
