import Foundation

extension OutputOptions {
    func checkWritable(notReplacing inputs: [String]) throws {
        try OutputPath.checkWritable(output, notReplacing: inputs)
    }
}

enum OutputPath {
    /// Refuses, before any work, an output that would replace one of `inputs`, a directory, a symbolic
    /// link, a device or FIFO, or that sits in a folder that does not exist or cannot be written. The
    /// output is written under a temporary name and renamed into place, so such a path would otherwise be
    /// replaced (a symlink by a regular file, the user's source model by ONNX) or fail only at the end.
    static func checkWritable(_ path: String, notReplacing inputs: [String]) throws {
        var status = stat()
        if lstat(path, &status) == 0 {
            let kind = status.st_mode & S_IFMT
            if kind == S_IFDIR { throw CLIFailure(.badInput, "\(path): the output is a directory; name a file") }
            if kind == S_IFLNK {
                throw CLIFailure(.badInput, "\(path): the output is a symbolic link; name the file it points to, or another path")
            }
            if kind != S_IFREG { throw CLIFailure(.badInput, "\(path): the output exists and is not a regular file") }
            for input in inputs where Self.sameFile(input, status) {
                throw CLIFailure(.badInput, "\(path): the output is the input '\(input)'; it would be replaced — choose another output")
            }
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var folderStatus = stat()
        guard stat(folder, &folderStatus) == 0, folderStatus.st_mode & S_IFMT == S_IFDIR else {
            throw CLIFailure(.badInput, "\(path): the folder '\(folder)' does not exist")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw CLIFailure(.badInput, "\(path): cannot write in the folder '\(folder)'")
        }
    }

    /// Whether `input` (through symlinks) is the file `status` describes.
    private static func sameFile(_ input: String, _ status: stat) -> Bool {
        var other = stat()
        return stat(input, &other) == 0 && other.st_dev == status.st_dev && other.st_ino == status.st_ino
    }
}

enum InputPath {
    /// Refuses an input that is missing, a directory, or not a regular file, before a reader opens it: a
    /// FIFO or a device would block the open or never end, and libhdf5 or zip readers would report them
    /// in their own words.
    static func checkReadable(_ paths: [String]) throws {
        for path in paths {
            var status = stat()
            guard stat(path, &status) == 0 else { throw CLIFailure(.badInput, "\(path): no such file") }
            let kind = status.st_mode & S_IFMT
            if kind == S_IFDIR { throw CLIFailure(.badInput, "\(path): is a directory, not a file") }
            guard kind == S_IFREG else { throw CLIFailure(.badInput, "\(path): not a regular file") }
            guard access(path, R_OK) == 0 else { throw CLIFailure(.badInput, "\(path): cannot be read (permission denied)") }
        }
    }
}
