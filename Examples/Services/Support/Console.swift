import Glibc

/// Unbuffered console output for the example executables, so lines show at once when piped.
public enum Console {
    /// Writes `text` and a newline to standard output.
    public static func line(_ text: String) { write(fd: 1, text + "\n") }

    /// Writes `text` to standard error (add the newline yourself).
    public static func error(_ text: String) { write(fd: 2, text) }

    private static func write(fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
