-- wrk script: POST the query JPEG to /api/anime/search as multipart.
-- The file comes from the environment variable BENCH_JPEG.
local path = os.getenv("BENCH_JPEG")
local f = assert(io.open(path, "rb"))
local image = f:read("*all")
f:close()
local boundary = "----wrkbenchboundary"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. 'Content-Disposition: form-data; name="image"; filename="query.jpg"\r\n'
  .. "Content-Type: image/jpeg\r\n\r\n"
  .. image .. "\r\n--" .. boundary .. "--\r\n"

local failures = 0
response = function(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("non-200 answers: %d\n", summary.errors.status))
end
