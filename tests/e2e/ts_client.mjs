#!/usr/bin/env node
// Drive an MCP Streamable HTTP server with the official TypeScript SDK (npm
// `@modelcontextprotocol/sdk`, pinned in package.json): `Client` + `StreamableHTTPClientTransport`.
//
// Opens N sessions concurrently, holds them all open at once, and in each one lists the tools and
// calls them with numbers distinct per session and per call, checking every reply exactly:
// `add` (text), `divide` by zero (an isError result with the message), `statistics` (its
// structuredContent, which the SDK itself validates against the listed outputSchema) and a wrong
// argument type (an isError result naming the argument). Every HTTP exchange the SDK makes goes
// through a recording `fetch`, so the transport is checked too:
//
//   --mode stateful   the initialize response mints an Mcp-Session-Id (distinct per session) that
//                     every later request carries; the SDK's GET stream opens (200,
//                     text/event-stream); `transport.terminateSession()` sends DELETE, answered
//                     200/204 (not 405, which the SDK would also accept) and clears the id; a POST
//                     with the old id then gets 404.
//   --mode stateless  no Mcp-Session-Id anywhere; requests get 200 application/json,
//                     notifications 202; the SDK's GET attempt gets 405; terminateSession() has
//                     nothing to end and sends no DELETE.
//
// Exits non-zero naming the session, the step and what was expected on any mismatch; on success
// prints one line starting with `OK`.
//
//   node ts_client.mjs --url http://127.0.0.1:8000/mcp --mode stateful --sessions 10
//
// Run by tests/tests/e2e_typescript.rs with the node_modules that scripts/setup-e2e.sh installs.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

// Read from the installed package itself (its `exports` map hides package.json from `require`).
const SDK_VERSION = JSON.parse(
  readFileSync(new URL("./node_modules/@modelcontextprotocol/sdk/package.json", import.meta.url), "utf8"),
).version;

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    mode: { type: "string" },
    sessions: { type: "string", default: "10" },
    calls: { type: "string", default: "3" },
    timeout: { type: "string", default: "10" },
    deadline: { type: "string", default: "40" },
  },
});
if (!args.url || !["stateful", "stateless"].includes(args.mode)) {
  console.error("usage: node ts_client.mjs --url URL --mode stateful|stateless [--sessions N] [--calls N]");
  process.exit(2);
}
const SESSIONS = Number(args.sessions);
const CALLS = Number(args.calls);
const TIMEOUT_MS = Number(args.timeout) * 1000;
const STATEFUL = args.mode === "stateful";
const EXPECTED_TOOLS = ["add", "divide", "multiply", "power", "statistics", "subtract"];

class Mismatch extends Error {
  name = "Mismatch";
}

function check(condition, what) {
  if (!condition) throw new Mismatch(what);
}

const show = (value) => JSON.stringify(value);

/** Every request the SDK sends, and the head of its answer. */
class Recorder {
  constructor() {
    this.exchanges = [];
    this.getAnswered = new Promise((resolve) => (this.onGetAnswered = resolve));
    this.fetch = async (url, init = {}) => {
      const response = await fetch(url, init);
      const sent = new Headers(init.headers);
      const method = init.method ?? "GET";
      let rpc = "";
      if (method === "POST") {
        try {
          const body = JSON.parse(init.body);
          rpc = body.method ?? "response";
        } catch {
          rpc = "?";
        }
      }
      this.exchanges.push({
        method,
        rpc,
        status: response.status,
        contentType: response.headers.get("content-type") ?? "",
        sentSession: sent.get("mcp-session-id"),
        gotSession: response.headers.get("mcp-session-id"),
      });
      if (method === "GET") this.onGetAnswered();
      return response;
    };
  }

  describe() {
    return this.exchanges
      .map((e) => `${e.method} ${e.rpc} -> ${e.status} ${show(e.contentType)} (sent ${e.sentSession}, got ${e.gotSession})`)
      .join("; ");
  }
}

/** The only text of a tool result. */
function text(result) {
  check(Array.isArray(result.content) && result.content.length === 1, `expected one content block: ${show(result)}`);
  check(result.content[0].type === "text", `expected a text block: ${show(result)}`);
  return result.content[0].text;
}

function checkToolList(tools) {
  const names = tools.map((t) => t.name).sort();
  check(show(names) === show(EXPECTED_TOOLS), `tools/list gave ${show(names)}, expected ${show(EXPECTED_TOOLS)}`);
  const add = tools.find((t) => t.name === "add");
  const schema = add.inputSchema;
  check(schema?.type === "object", `add's inputSchema is not an object schema: ${show(add)}`);
  check(show(Object.keys(schema.properties ?? {})) === show(["a", "b"]), `add's parameters are not a, b: ${show(schema)}`);
  check(schema.properties.a.type === "integer" && schema.properties.b.type === "integer", `add's parameters are not integers: ${show(schema)}`);
  check(show([...(schema.required ?? [])].sort()) === show(["a", "b"]), `add should require a and b: ${show(schema)}`);
  const output = tools.find((t) => t.name === "statistics").outputSchema;
  check(
    output?.type === "object" && ["count", "sum", "mean", "min", "max"].every((k) => k in (output.properties ?? {})),
    `statistics has no object outputSchema with count/sum/mean/min/max: ${show(output)}`,
  );
}

async function checkAdd(client, a, b) {
  const result = await client.callTool({ name: "add", arguments: { a, b } }, undefined, { timeout: TIMEOUT_MS });
  check(result.isError !== true, `add(${a}, ${b}) failed: ${show(result)}`);
  check(text(result) === String(a + b), `add(${a}, ${b}) answered ${show(result.content)}, expected "${a + b}"`);
}

async function checkDivideByZero(client, dividend) {
  const result = await client.callTool({ name: "divide", arguments: { dividend, divisor: 0 } }, undefined, { timeout: TIMEOUT_MS });
  check(result.isError === true, `divide(${dividend}, 0) is not an isError result: ${show(result)}`);
  check(
    text(result) === "cannot divide by zero: pass a non-zero divisor",
    `divide(${dividend}, 0) gave message ${show(result.content)}`,
  );
}

async function checkStatistics(client, base) {
  const numbers = [base, base + 1, base + 5];
  const sum = numbers.reduce((x, y) => x + y, 0);
  const expected = { count: 3, sum, mean: sum / 3, min: base, max: base + 5 };
  // The SDK validates structuredContent against the outputSchema from tools/list and throws if
  // it does not match, or if it is missing.
  const result = await client.callTool({ name: "statistics", arguments: { numbers } }, undefined, { timeout: TIMEOUT_MS });
  check(result.isError !== true, `statistics(${show(numbers)}) failed: ${show(result)}`);
  const got = result.structuredContent;
  check(got && typeof got === "object", `statistics(${show(numbers)}) has no structuredContent: ${show(result)}`);
  const close = (x, y) => typeof x === "number" && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
  check(
    show(Object.keys(got).sort()) === show(Object.keys(expected).sort()) &&
      Object.entries(expected).every(([k, v]) => close(got[k], v)),
    `statistics(${show(numbers)}) structuredContent ${show(got)}, expected ${show(expected)}`,
  );
  check(Number.isInteger(got.count), `count is not an integer: ${show(got)}`);
}

async function checkWrongType(client) {
  const result = await client.callTool({ name: "add", arguments: { a: "two", b: 3 } }, undefined, { timeout: TIMEOUT_MS });
  check(result.isError === true, `add(a="two") is not an isError result: ${show(result)}`);
  check(text(result).includes("`a`"), `add(a="two") error does not name argument a: ${show(result.content)}`);
}

/** A POST in the session `sessionId` (e.g. one that was just deleted); returns the status. */
async function postInSession(sessionId, protocolVersion) {
  const response = await fetch(args.url, {
    method: "POST",
    headers: {
      Accept: "application/json, text/event-stream",
      "Content-Type": "application/json",
      "Mcp-Session-Id": sessionId,
      "MCP-Protocol-Version": protocolVersion,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.status;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Mismatch(`${what}: nothing within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let ready = 0;
let releaseAll;
const allReady = new Promise((resolve) => (releaseAll = resolve));
function arrive() {
  ready += 1;
  if (ready >= SESSIONS) releaseAll();
}

const failures = [];
const sessionIds = [];
let calls = 0;

async function session(index) {
  let step = "connecting";
  let arrived = false;
  const recorder = new Recorder();
  const transport = new StreamableHTTPClientTransport(new URL(args.url), { fetch: recorder.fetch });
  const client = new Client({ name: "mcp-runtime-e2e", version: "1.0.0" });
  try {
    step = "initialize";
    await client.connect(transport, { timeout: TIMEOUT_MS });
    check(client.getServerVersion()?.name === "calculator", `serverInfo is ${show(client.getServerVersion())}`);
    check(client.getServerCapabilities()?.tools, `no tools capability: ${show(client.getServerCapabilities())}`);
    const protocolVersion = transport.protocolVersion;
    const sessionId = transport.sessionId;
    if (STATEFUL) {
      check(typeof sessionId === "string" && sessionId.length > 0, `no Mcp-Session-Id after initialize: ${recorder.describe()}`);
    } else {
      check(sessionId === undefined, `a stateless server minted session id ${show(sessionId)}`);
    }

    step = "tools/list";
    const { tools } = await client.listTools(undefined, { timeout: TIMEOUT_MS });
    checkToolList(tools);

    // Hold every session open together before calling, so that all of them are live at once.
    step = "waiting for the other sessions";
    arrived = true;
    arrive();
    await allReady;

    step = "tools/call";
    // Distinct per session and call: a reply routed to the wrong session or request id would
    // carry another sum.
    await Promise.all(Array.from({ length: CALLS }, (_, k) => checkAdd(client, index * 1000 + k, 7 * k + 1)));
    await checkDivideByZero(client, index);
    await checkStatistics(client, index);
    await checkWrongType(client);
    calls += CALLS + 3;

    if (STATEFUL) {
      step = "waiting for the GET stream";
      await withTimeout(recorder.getAnswered, "the SDK's GET stream got no answer");
      const get = recorder.exchanges.find((e) => e.method === "GET");
      check(get.status === 200 && get.contentType.startsWith("text/event-stream"), `the GET stream did not open: ${recorder.describe()}`);

      step = "terminateSession";
      await withTimeout(transport.terminateSession(), "terminateSession()");
      const deletes = recorder.exchanges.filter((e) => e.method === "DELETE");
      check(deletes.length === 1, `terminateSession() should send one DELETE: ${recorder.describe()}`);
      check(
        deletes[0].status === 200 || deletes[0].status === 204,
        `DELETE was answered ${deletes[0].status}, expected 200/204: ${recorder.describe()}`,
      );
      check(transport.sessionId === undefined, `terminateSession() left session id ${show(transport.sessionId)}`);

      step = "checking the HTTP exchanges";
      const [first, ...rest] = recorder.exchanges;
      check(first.rpc === "initialize" && first.status === 200 && first.gotSession === sessionId, `unexpected first exchange: ${recorder.describe()}`);
      for (const e of rest) {
        check(e.sentSession === sessionId, `a request did not carry the session id: ${recorder.describe()}`);
      }
      for (const e of recorder.exchanges.filter((e) => e.method === "POST")) {
        const expected = e.rpc === "notifications/initialized" ? 202 : 200;
        check(e.status === expected, `POST ${e.rpc} got ${e.status}, expected ${expected}`);
      }

      step = "using the deleted session";
      const status = await postInSession(sessionId, protocolVersion);
      check(status === 404, `a POST in the deleted session got ${status}, expected 404`);
      sessionIds.push(sessionId);
    } else {
      step = "terminateSession";
      await transport.terminateSession();
      step = "checking the HTTP exchanges";
      for (const e of recorder.exchanges) {
        check(e.sentSession === null && e.gotSession === null, `a session id travelled: ${recorder.describe()}`);
        if (e.method === "POST") {
          if (e.rpc === "notifications/initialized") {
            check(e.status === 202, `the initialized notification got ${e.status}, expected 202`);
          } else {
            check(e.status === 200 && e.contentType.startsWith("application/json"), `POST ${e.rpc} got ${e.status} ${e.contentType}, expected 200 application/json`);
          }
        } else {
          // The SDK tries a GET stream after initializing; a stateless server has none.
          check(e.method === "GET" && e.status === 405, `expected only a GET answered 405 besides POSTs: ${recorder.describe()}`);
        }
      }
    }
  } catch (error) {
    failures.push(`session ${index} (${step}): ${error?.name ?? "Error"}: ${error?.message ?? error}`);
    if (!arrived) arrive();
  } finally {
    await client.close().catch(() => {});
  }
}

const deadline = setTimeout(() => {
  console.error(`FAIL: not done after ${args.deadline}s (ready sessions: ${ready}/${SESSIONS}); failures so far: ${show(failures)}`);
  process.exit(1);
}, Number(args.deadline) * 1000);

const started = performance.now();
await Promise.all(Array.from({ length: SESSIONS }, (_, index) => session(index)));
clearTimeout(deadline);
if (STATEFUL && failures.length === 0 && new Set(sessionIds).size !== SESSIONS) {
  failures.push(`${SESSIONS} sessions got only ${new Set(sessionIds).size} distinct session ids`);
}
const label = `@modelcontextprotocol/sdk ${SDK_VERSION} StreamableHTTPClientTransport ${args.mode} ${args.url}`;
if (failures.length > 0) {
  console.error(`FAIL ${label}: ${failures.length} failure(s) in ${SESSIONS} sessions`);
  for (const failure of failures.slice(0, 20)) console.error(`  ${failure}`);
  process.exit(1);
}
const extra = STATEFUL ? `, ${SESSIONS} distinct session ids, each ended by terminateSession() (DELETE, then 404)` : ", no session ids";
const seconds = ((performance.now() - started) / 1000).toFixed(2);
console.log(`OK ${label}: ${SESSIONS} concurrent sessions, ${calls} tool calls checked${extra} in ${seconds}s`);
process.exit(0);
