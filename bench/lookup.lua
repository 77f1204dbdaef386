-- wrk: look up a random person ID from BENCH_IDS (one per line) at each request, on the
-- path BENCH_PATH with "{id}" in it, with BENCH_HEADERS ("Name: value|...") and, if set,
-- "Authorization: Bearer BENCH_TOKEN"; then print the JSON line of report.lua.
dofile(os.getenv("BENCH_REPORT"))  -- reads BENCH_HEADERS into wrk.headers, defines done()

local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN")
local headers = {}
for name, value in pairs(wrk.headers) do headers[name] = value end
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
math.randomseed(os.time())

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", (path:gsub("{id}", id)), headers)
end
