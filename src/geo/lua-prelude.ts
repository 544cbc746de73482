/**
 * Lua run once when a VM starts: the sandbox (no io, os beyond time, package, require, debug, load,
 * dofile, string.dump), PowerDNS's preset objects (who, bestwho, ecswho, localwho, qname, zone, dh) as
 * tables whose methods call back into JavaScript (so a read is seen), NetmaskGroup (newNMG), include,
 * and the per-record chunk table. `__js` (the JavaScript functions) is taken and removed.
 */
export const LUA_PRELUDE = `
local js = __js
__js = nil
local load, setmetatable, ipairs, type, tostring, error = load, setmetatable, ipairs, type, tostring, error
local rawpcall, rawxpcall, pack, unpack = pcall, xpcall, table.pack, table.unpack
local ostime, osclock, osdate, osdifftime = os.time, os.clock, os.date, os.difftime
io = nil; package = nil; require = nil; debug = nil; dofile = nil; loadfile = nil; _G.load = nil; loadstring = nil
collectgarbage = nil; string.dump = nil
-- a script may catch its own errors, never the end of its instruction budget
local function passBudget(r)
  if not r[1] and js.budgetSpent() then error(r[2], 0) end
  return unpack(r, 1, r.n)
end
pcall = function(...) return passBudget(pack(rawpcall(...))) end
xpcall = function(...) return passBudget(pack(rawxpcall(...))) end
os = { time = ostime, clock = osclock, date = osdate, difftime = osdifftime }
print = function(...) js.pdnslog(table.concat({...}, ' '), 'info') end

for name, f in pairs(js.fns) do _G[name] = f end
pdns = { A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AFSDB = 18, AAAA = 28, LOC = 29, SRV = 33,
  NAPTR = 35, KX = 36, CERT = 37, DNAME = 39, APL = 42, DS = 43, SSHFP = 44, DNSKEY = 48, TLSA = 52, SVCB = 64, HTTPS = 65,
  SPF = 99, URI = 256, CAA = 257, ALIAS = 65401, LUA = 65402 }
GeoIPQueryAttribute = { ASn = 0, City = 1, Continent = 2, Country = 3, Country2 = 4, Name = 5, Region = 6, Location = 7 }

local addrmt = { __index = {} }
addrmt.__tostring = function(self) return js.addrText(self.k) end
addrmt.__index.toString = function(self) return js.addrText(self.k) end
addrmt.__index.toStringWithPort = function(self) return js.addrTextPort(self.k) end
addrmt.__index.isIPv4 = function(self) return js.addrFamily(self.k) == 4 end
addrmt.__index.isIPv6 = function(self) return js.addrFamily(self.k) == 6 end
addrmt.__index.getBits = function(self) return js.addrBits(self.k) end
addrmt.__index.getNetwork = function(self) return js.addrNetwork(self.k) end
addrmt.__index.getMaskedNetwork = function(self) return js.addrNetwork(self.k) end
addrmt.__index.match = function(self, other) return js.addrMatch(self.k, tostring(other)) end
local whoobj = setmetatable({ k = 'who' }, addrmt)
local bestobj = setmetatable({ k = 'bestwho' }, addrmt)
local ecsobj = setmetatable({ k = 'ecswho' }, addrmt)
local localobj = setmetatable({ k = 'localwho' }, addrmt)

local namemt = { __index = {} }
namemt.__tostring = function(self) return js.nameText(self.k) end
namemt.__eq = function(a, b) return js.nameText(a.k):lower() == js.nameText(b.k):lower() end
namemt.__index.toString = function(self) return js.nameText(self.k) end
namemt.__index.toStringNoDot = function(self) return (js.nameText(self.k):gsub('%.$', '')) end
namemt.__index.getRawLabels = function(self) return js.nameLabels(self.k) end
namemt.__index.countLabels = function(self) return #js.nameLabels(self.k) end
namemt.__index.wirelength = function(self) return js.nameWireLength(self.k) end
namemt.__index.equal = function(self, other) return js.nameText(self.k):lower() == js.absolute(tostring(other)):lower() end
namemt.__index.isPartOf = function(self, other) return js.namePartOf(self.k, tostring(other)) end
local qnameobj = setmetatable({ k = 'qname' }, namemt)
local zoneobj = setmetatable({ k = 'zone' }, namemt)

local dhmt = { __index = {} }
for _, f in ipairs({ 'getID', 'getRD', 'getCD', 'getTC', 'getAA', 'getAD', 'getRA', 'getQR', 'getOPCODE', 'getRCODE' }) do
  dhmt.__index[f] = function() return js.header(f) end
end
local dhobj = setmetatable({}, dhmt)

local nmgmt = { __index = {} }
nmgmt.__index.addMask = function(self, m) self.masks[#self.masks + 1] = tostring(m) end
nmgmt.__index.addMasks = function(self, t) for _, m in ipairs(t) do self.masks[#self.masks + 1] = tostring(m) end end
nmgmt.__index.match = function(self, a) return js.nmgMatch(self.masks, tostring(a)) end
function newNMG(t)
  local g = setmetatable({ masks = {} }, nmgmt)
  if type(t) == 'table' then g:addMasks(t) end
  return g
end
function filterForward(address, nmg, fallback)
  return js.filterForward(address, nmg.masks, fallback)
end
function newCA(a) return js.newCA(tostring(a)) end

function include(name)
  for _, code in ipairs(js.includeCodes(tostring(name))) do
    local f = load(code, '=include', 't')
    if f then f() end
  end
end

local chunks = {}
function __compile(id, code)
  local f, err = load(code, '=' .. id, 't')
  if not f then return err end
  chunks[id] = f
  return nil
end
function __run(id, hasEcs, zoneid_, dnssecOK_, tcp_, size_)
  who = whoobj; bestwho = bestobj; localwho = localobj; qname = qnameobj; zone = zoneobj; dh = dhobj
  ecswho = hasEcs and ecsobj or nil
  zoneid = zoneid_; dnssecOK = dnssecOK_; tcp = tcp_; ednsPKTSize = size_
  local ok, r = rawpcall(chunks[id])
  if ok then return true, r end
  return false, tostring(r)
end
`;
