import ThawWire

/// A failure of `thaw certs`.
enum CertsError: Error, CustomStringConvertible {
    /// The output folder already holds files and `--force` was not given.
    case folderNotEmpty(path: String)

    /// The output folder could not be created, listed or cleared; `cause` is the system's reason.
    case folderUnusable(path: String, cause: String)

    /// Creating the CA or issuing or writing one certificate failed.
    case certificate(subject: String, CertificateError)

    var description: String {
        switch self {
        case .folderNotEmpty(let path):
            return "thaw certs: \(path) already exists and is not empty. Choose a new folder, or add --force to "
                + "replace the cluster certificates in it (every certificate issued before stops being trusted)."
        case .folderUnusable(let path, let cause):
            return "thaw certs: cannot use the folder \(path): \(cause)."
        case .certificate(let subject, let error):
            return "thaw certs: cannot make the certificate of \(subject). \(error)"
        }
    }
}
