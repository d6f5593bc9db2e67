/**
 * Merges one batch into the rolling factor state of all its viewers, atomically (Redis runs a script to
 * the end before any other command), so two workers updating the same viewer serialise and neither
 * update is lost. The JavaScript reference is mergeUpdate() in domain/factor-updates.ts; a test runs both
 * on the same inputs.
 *
 * KEYS[1]     batch marker: set on the first run; on a re-run (retry, re-drive) the script reads the
 *             viewers' state without changing it, so a batch is never counted twice
 * KEYS[2..]   one key per viewer, holding the state as one MessagePack array (GET/SET: two commands per
 *             viewer, numbers stored exactly as doubles)
 * ARGV[1..15] marker TTL s, state TTL ms, fields per viewer (F), country window ms, travel speed unit
 *             km/h, max travel weight, min travel hours, fallback distance km, and the seven counters'
 *             half-lives (ms) in COUNTER_NAMES order
 * then F per viewer: latest ms, 7 increments (COUNTER_NAMES order, decayed to latest ms), first place
 *             (country, ms, lat, lon), last place (same), countries "CC:ms;…", consent ops "purpose:g|w:ms;…"
 *
 * State: {as-of ms, counter 1..7, last country, its ms, its lat, its lon (false when none), {country →
 * latest ms within the window}, {purpose → latest consent decision 'g' | 'w'}}.
 *
 * Reply: per viewer 10 little-endian doubles — as-of ms, the 7 counters, distinct countries, and the
 * implied speed of the step from the stored last place to the batch's first place (NaN if none) — as one
 * binary string, so no number is formatted or parsed on either side.
 */
export const MERGE_FACTORS_LUA = `
local H = 15
local markerTtl = tonumber(ARGV[1])
local stateTtlMs = tonumber(ARGV[2])
local F = tonumber(ARGV[3])
local countryWindow = tonumber(ARGV[4])
local travelUnit = tonumber(ARGV[5])
local maxTravel = tonumber(ARGV[6])
local minHours = tonumber(ARGV[7])
local fallbackKm = tonumber(ARGV[8])
local halfLife = {}
for i = 1, 7 do halfLife[i] = tonumber(ARGV[8 + i]) end
local CHURN = 4
local TRAVEL = 7
local NAN = 0 / 0

local function decay(v, from, to, h)
  if v == 0 or from == to then return v end
  return v * 2 ^ (-(to - from) / h)
end
local function distance(lat1, lon1, lat2, lon2)
  if lat1 == nil or lon1 == nil or lat2 == nil or lon2 == nil then return fallbackKm end
  local r = math.pi / 180
  local dLat = (lat2 - lat1) * r
  local dLon = (lon2 - lon1) * r
  local h = math.sin(dLat / 2) ^ 2 + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin(dLon / 2) ^ 2
  return 2 * 6371.0088 * math.asin(math.min(1, math.sqrt(h)))
end
local function present(value)
  if value == false or value == '' then return nil end
  return value
end

local replay = not redis.call('SET', KEYS[1], '1', 'NX', 'EX', markerTtl)
local out = {}
for v = 1, #KEYS - 1 do
  local key = KEYS[v + 1]
  local b = H + (v - 1) * F
  local blob = redis.call('GET', key)
  local t, lc, lt, lla, llo
  local c = {0, 0, 0, 0, 0, 0, 0}
  local countries, purposes = {}, {}
  if blob then
    local s = cmsgpack.unpack(blob)
    t = s[1]
    for i = 1, 7 do c[i] = s[1 + i] end
    lc, lt, lla, llo = present(s[9]), present(s[10]), present(s[11]), present(s[12])
    countries, purposes = s[13], s[14]
  end
  local boundary = NAN
  local T = t

  if not replay or t == nil then
    local latest = tonumber(ARGV[b + 1])
    local previous = t or latest
    T = math.max(previous, latest)
    for i = 1, 7 do
      c[i] = decay(c[i], previous, T, halfLife[i]) + decay(tonumber(ARGV[b + 1 + i]), latest, T, halfLife[i])
    end
    for purpose, op, ms in string.gmatch(ARGV[b + 18], '([^;:]+):([gw]):([^;]+)') do
      if op == 'w' or purposes[purpose] == 'w' then
        c[CHURN] = c[CHURN] + decay(1, tonumber(ms), T, halfLife[CHURN])
      end
      purposes[purpose] = op
    end
    local firstCountry, firstMs = present(ARGV[b + 9]), tonumber(ARGV[b + 10])
    if lc and firstCountry and lt and firstMs >= lt and firstCountry ~= lc then
      local hours = math.max(math.abs(firstMs - lt) / 3600000, minHours)
      local speed = distance(lla, llo, tonumber(ARGV[b + 11]), tonumber(ARGV[b + 12])) / hours
      c[TRAVEL] = c[TRAVEL] + decay(math.min(maxTravel, speed / travelUnit), firstMs, T, halfLife[TRAVEL])
      boundary = speed
    end
    local lastCountry, lastMs = present(ARGV[b + 13]), tonumber(ARGV[b + 14])
    if lastCountry and (lt == nil or lastMs >= lt) then
      lc, lt, lla, llo = lastCountry, lastMs, tonumber(ARGV[b + 15]), tonumber(ARGV[b + 16])
    end
    for cc, ms in string.gmatch(ARGV[b + 17], '([^;:]+):([^;]+)') do
      local m = tonumber(ms)
      if countries[cc] == nil or countries[cc] < m then countries[cc] = m end
    end
  end

  local kept = {}
  local distinct = 0
  for cc, ms in pairs(countries) do
    if ms >= T - countryWindow then
      distinct = distinct + 1
      kept[cc] = ms
    end
  end

  if not replay or t == nil then
    local state = {T, c[1], c[2], c[3], c[4], c[5], c[6], c[7], lc or false, lt or false, lla or false, llo or false, kept, purposes}
    redis.call('SET', key, cmsgpack.pack(state), 'PX', stateTtlMs)
  end
  out[v] = struct.pack('<dddddddddd', T, c[1], c[2], c[3], c[4], c[5], c[6], c[7], distinct, boundary)
end
return table.concat(out)
`;

/** Reads viewers' stored state (KEYS: their keys), in the merge script's reply format; as-of NaN = none. */
export const READ_FACTORS_LUA = `
local NAN = 0 / 0
local window = tonumber(ARGV[1])
local out = {}
for v = 1, #KEYS do
  local blob = redis.call('GET', KEYS[v])
  if blob then
    local s = cmsgpack.unpack(blob)
    local distinct = 0
    for _, ms in pairs(s[13]) do
      if ms >= s[1] - window then distinct = distinct + 1 end
    end
    out[v] = struct.pack('<dddddddddd', s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], distinct, NAN)
  else
    out[v] = struct.pack('<dddddddddd', NAN, 0, 0, 0, 0, 0, 0, 0, 0, NAN)
  end
end
return table.concat(out)
`;
