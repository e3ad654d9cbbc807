-- wrk script for bench/overhead.sh: after the run, one machine-readable line
-- (latencies in microseconds; errors.status counts non-2xx/3xx responses).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "CF520BENCH requests=%d duration_us=%d bytes=%d p50=%d p75=%d p90=%d p99=%d p999=%d max=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
