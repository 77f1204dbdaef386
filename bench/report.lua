-- wrk: print one JSON line with throughput and latency percentiles (p95 included).
-- Optional: BENCH_METHOD, BENCH_BODY_FILE and BENCH_HEADERS ("Name: value|Name: value").
local method = os.getenv("BENCH_METHOD")
local body_file = os.getenv("BENCH_BODY_FILE")
local headers = os.getenv("BENCH_HEADERS")
if method then wrk.method = method end
if body_file then
  local f = assert(io.open(body_file, "rb")); wrk.body = f:read("*a"); f:close()
end
if headers then
  for pair in string.gmatch(headers, "[^|]+") do
    local name, value = string.match(pair, "^%s*(.-)%s*:%s*(.-)%s*$")
    wrk.headers[name] = value
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,' ..
    '"p50_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
