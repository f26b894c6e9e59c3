// HttpsDate over URLSession: a HEAD request whose `Date` header the core reads as a time source.
// Blocking, as the foreign trait is: the core calls it from its sync threads, never the main one.
import Foundation
import Kunci
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public final class URLSessionHttpsDate: HttpsDate {
    private let session: URLSession
    private let timeout: TimeInterval

    public init(timeout: TimeInterval = 5) {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        config.urlCache = nil
        session = URLSession(configuration: config)
        self.timeout = timeout
    }

    public func fetchDate(url: String) throws -> String {
        guard let target = URL(string: url), let scheme = target.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw PlatformError.Failed(reason: "not an http(s) URL: \(url)")
        }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
        request.httpMethod = "HEAD"
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let task = session.dataTask(with: request) { _, response, error in
            if let error {
                box.set(.failure(PlatformError.Failed(reason: "\(target.host ?? url): \(error.localizedDescription)")))
            } else if let date = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Date") {
                box.set(.success(date))
            } else {
                box.set(.failure(PlatformError.Failed(reason: "\(target.host ?? url): no Date header")))
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw PlatformError.Failed(reason: "\(target.host ?? url): no answer in \(Int(timeout)) s")
        }
        return try box.get()
    }

    /// Only https is authenticated: URLSession verified the server's certificate chain.
    public func isAuthenticated(url: String) -> Bool {
        Self.isAuthenticated(url: url)
    }

    public static func isAuthenticated(url: String) -> Bool {
        URL(string: url)?.scheme?.lowercased() == "https"
    }
}

private final class ResultBox: @unchecked Sendable { // guarded by `lock`
    private let lock = NSLock()
    private var result: Result<String, Error> = .failure(PlatformError.Failed(reason: "no result"))
    func set(_ r: Result<String, Error>) { lock.lock(); result = r; lock.unlock() }
    func get() throws -> String { lock.lock(); defer { lock.unlock() }; return try result.get() }
}
