-- wrk: look up a random person ID from BENCH_IDS (one per line) at each request, on the
-- path BENCH_PATH with "{id}" in it; then print the JSON line of report.lua.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN")
math.randomseed(os.time())

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", (path:gsub("{id}", id)), {["Authorization"] = "Bearer " .. token})
end

dofile(os.getenv("BENCH_REPORT"))
