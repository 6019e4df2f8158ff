-- wrk reports p50/p75/p90/p99; the benchmark's targets speak of p95.
done = function(summary, latency, requests)
  io.write(string.format("p50=%d\n", latency:percentile(50)))
  io.write(string.format("p95=%d\n", latency:percentile(95)))
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("rps=%.2f\n", summary.requests / (summary.duration / 1e6)))
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("errors=%d\n", errors))
end
