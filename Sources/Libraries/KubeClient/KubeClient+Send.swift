extension KubeClient {
    /// Sends one call, with retries (see the type's documentation), and returns the 2xx response.
    ///
    /// Order per attempt: wait for the rate limiter, get the credential (re-reading a token file or running the
    /// exec plugin when due), send with a timeout of `min(requestTimeout, time left)`. Between attempts the
    /// backoff (or `Retry-After`) wait must end before the deadline, or the call gives up at once.
    ///
    /// - Throws: the last attempt's error (kind from the Status code, or `.transport`/`.timeout` without a
    ///   response), carrying the number of attempts; `.timeout` when the deadline left no room for an attempt;
    ///   `.configuration` when credentials cannot be obtained; `.badRequest` for a malformed path or method.
    public func send(_ request: KubeRequest, deadline: KubeDeadline) throws(KubeAPIError) -> KubeResponse {
        record { $0.requests += 1 }
        do {
            return try sendWithRetries(request, deadline: deadline)
        } catch {
            record { $0.failures += 1 }
            throw error
        }
    }

    private func sendWithRetries(_ request: KubeRequest, deadline: KubeDeadline) throws(KubeAPIError) -> KubeResponse {
        let prepared = try RequestBuilder.prepare(request, baseURL: baseURL)
        let label = "\(request.method) \(request.path)"
        var attempts = 0
        var internalErrorAnswers = 0
        var retries = 0
        var refreshedAfter401 = false
        var lastError: KubeAPIError? = nil
        var generator = JitterGenerator()
        let retryPolicy =
            request.maxAttempts.map {
                RetryPolicy(
                    maxAttempts: min(self.retryPolicy.maxAttempts, max(1, $0)), backoff: self.retryPolicy.backoff,
                    credentialsMayRotate: self.retryPolicy.credentialsMayRotate)
            } ?? self.retryPolicy

        while true {
            guard !deadline.hasPassed else {
                throw lastError?.with(attempts: attempts, internalErrorAnswers: internalErrorAnswers)
                    .endingByDeadline()
                    ?? .deadlineExceeded("the deadline passed before \(label) could be sent", attempts: attempts)
            }
            let waited: Duration
            do {
                waited = try limiter.acquire(deadline: deadline, attempts: attempts)
            } catch {
                throw lastError?.with(attempts: attempts, internalErrorAnswers: internalErrorAnswers)
                    .endingByDeadline() ?? error
            }
            if waited > .seconds(1) {
                logger?(.info, "\(label) waited \(waited) for the client-side rate limit (\(limiter.snapshot.summary))")
            }
            let credential: Credential
            do {
                credential = try credentials.current(deadline: deadline)
            } catch {
                throw error.with(attempts: attempts, internalErrorAnswers: internalErrorAnswers)
            }
            let remaining = deadline.remaining
            guard remaining > .zero else { continue }  // reported at the top of the loop

            attempts += 1
            var info = TransferInfo()
            let outcome = try pool.withHandle { handle in
                handle.perform(
                    prepared, credential: credential, timeout: min(settings.requestTimeout, remaining),
                    connectTimeout: settings.connectTimeout, info: &info)
            }
            record { statistics in
                statistics.attempts += 1
                statistics.connectionsOpened += info.connectionsOpened
                if info.isHTTP2 { statistics.http2Responses += 1 }
                if waited > .zero {
                    statistics.throttledAttempts += 1
                    statistics.throttledTime += waited
                }
            }

            let error: KubeAPIError
            let failure: RetryPolicy.Failure
            switch outcome {
            case .success(let result):
                logWarnings(result.headers, label: label)
                if (200..<300).contains(result.status) {
                    limiter.answered(status: result.status, retryAfter: nil)
                    return KubeResponse(
                        status: result.status, headers: result.headers, body: result.body, attempts: attempts)
                }
                if result.status == 500 { internalErrorAnswers += 1 }
                error = KubeAPIError.fromResponse(
                    status: result.status, body: result.body, attempts: attempts,
                    credentialsMayRotate: credentials.mayRotate
                ).with(attempts: attempts, internalErrorAnswers: internalErrorAnswers)
                let retryAfter =
                    result.status == 429 || result.status == 503
                    ? RequestBuilder.retryAfter(headers: result.headers, body: result.body) : nil
                limiter.answered(status: result.status, retryAfter: retryAfter)
                failure = error.isQuotaExceeded ? .quotaExceeded : .status(result.status, retryAfter: retryAfter)
            case .failure(let curlFailure):
                error = curlFailure.error(attempts: attempts, bodyLimit: settings.maxResponseBytes)
                    .with(attempts: attempts, internalErrorAnswers: internalErrorAnswers)
                failure = .transport(retriable: curlFailure.isRetriable)
            }
            lastError = error

            let action = retryPolicy.decide(
                failure, attempts: attempts, retries: retries, refreshedAfter401: refreshedAfter401,
                remaining: deadline.remaining, using: &generator)
            switch action {
            case .giveUp:
                throw error
            case .outOfTime:
                throw error.endingByDeadline()
            case .refreshCredentials:
                refreshedAfter401 = true
                credentials.invalidate(credential)
                record { $0.retries["401", default: 0] += 1 }
                logger?(.info, "\(label) got 401; refreshing the credentials and trying once more")
            case .retry(let delay, let cause):
                retries += 1
                record { $0.retries[cause, default: 0] += 1 }
                logger?(
                    .debug,
                    "\(label): \(error.reason) (\(error.code)); retry \(retries) in \(delay), attempt \(attempts + 1) "
                        + "of \(settings.maxAttempts)")
                Monotonic.sleep(until: .after(delay))
            }
        }
    }

    private func logWarnings(_ headers: [(String, String)], label: String) {
        guard let logger else { return }
        for (name, value) in headers where name.lowercased() == "warning" {
            logger(.warning, "API server warning for \(label): \(value)")
        }
    }
}
