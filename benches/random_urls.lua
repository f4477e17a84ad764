-- wrk script: each request takes a random line of the file named by URLS, appended to the
-- path given on wrk's command line. math.randomseed is fixed so runs are comparable.
local urls = {}
local prefix = ""

function init(args)
  prefix = args[1] or ""
  for line in io.lines(os.getenv("URLS")) do
    urls[#urls + 1] = line
  end
  math.randomseed(42 + (id or 0))
end

function setup(thread)
  thread:set("id", math.random(1000))
end

request = function()
  return wrk.format("GET", prefix .. urls[math.random(#urls)])
end
