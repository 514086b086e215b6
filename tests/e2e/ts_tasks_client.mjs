// The MCP tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663) on MCP 2026-07-28, driven
// by third-party client code: the TypeScript SDK v2 client (npm `@modelcontextprotocol/client`)
// connected to the server's Streamable HTTP endpoint (stateless, pinned to 2026-07-28), with
// npm `@modelcontextprotocol/ext-tasks` on top of it (`createTaskSessionFromClient`) calling the
// tools, polling the tasks, answering their input requests and cancelling them.
//
//   node ts_tasks_client.mjs http://127.0.0.1:8000/mcp [--deadline 60]
//
// Two scenarios, one after the other, each on its own client and ext-tasks session:
//   input   tools/call confirm_delete {filename: "report.txt"} answers with a task
//           (resultType "task"); the task reaches input_required with one elicitation/create
//           form request (requestedSchema with a boolean `confirm`), which ext-tasks hands to
//           its onInputRequest handler; the handler accepts with {confirm: true}, which ext-tasks
//           sends as tasks/update; ext-tasks polls on and the task completes with a text result
//           containing "deleted report.txt".
//   cancel  tools/call slow_compute {seconds: 30, label: "cancel-me"} answers with a task in
//           `working`; after 300 ms ext-tasks cancels it (tasks/cancel); tasks/get through the
//           same session must then show it `cancelled` (not completed) within a few seconds.
//
// Wiring: a 2026-07-28 tasks server makes ext-tasks require `rawDispatch` and `v2RequestFraming`,
// because the SDK's own request path rejects `resultType: "task"` (Unsupported result type) and
// knows nothing of tasks/*. `rawDispatch` here is a host request coordinator that owns its request
// ids and response matching but shares the SDK client's transport: it sends JSON-RPC requests with
// ids of its own (strings, "ext-tasks-N") through `transport.send()` — so the transport still
// derives MCP-Protocol-Version, Mcp-Method and Mcp-Name (the tool name, or params.taskId for
// tasks/*) from the body, as for the SDK's own requests — and takes their responses off the
// transport's `onmessage` before the SDK client would see (and reject) them as unknown ids.
// `v2RequestFraming` is what the SDK client itself was initialised with: the negotiated protocol
// version, the same clientInfo and the same client capabilities; ext-tasks adds the tasks
// extension to the capabilities of its own requests only, so the SDK's own requests never declare
// it (and can never be answered with a task the SDK could not read).
//
// Every HTTP exchange goes through a recording `fetch`, and each task request's headers are
// checked as well. Prints one JSON line per finding ({"scenario", "check", "ok", ...}) and a last
// line {"scenario": "summary", "ok": ...}; exits 1 if any finding is not ok (0 otherwise). Needs
// Node 22 (tests/e2e/node_modules/node22).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createTaskSessionFromClient } from "@modelcontextprotocol/ext-tasks/client";

const packageVersion = (name) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
const CLIENTS = `@modelcontextprotocol/client ${packageVersion("@modelcontextprotocol/client")} + @modelcontextprotocol/ext-tasks ${packageVersion("@modelcontextprotocol/ext-tasks")}`;

const { values: args, positionals } = parseArgs({
  options: { deadline: { type: "string", default: "60" } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  console.error("usage: node ts_tasks_client.mjs <server url, e.g. http://127.0.0.1:8000/mcp> [--deadline SECONDS]");
  process.exit(2);
}
const url = new URL(positionals[0]);
const deadlineMs = Number(args.deadline) * 1000;

const MODERN = "2026-07-28";
const TASKS = "io.modelcontextprotocol/tasks";
const CLIENT_INFO = { name: "ts-tasks-client", version: "1.0.0" };
// What the SDK client advertises on its own requests (ext-tasks adds the tasks extension to its).
const CLIENT_CAPABILITIES = { elicitation: {} };
/** Per request, unless ext-tasks passes its own requestTimeoutMs. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long an execution may take to settle (input scenario) or a cancel to show (cancel). */
const SETTLE_MS = 15_000;
const CANCEL_AFTER_MS = 300;
const CANCELLED_WITHIN_MS = 5_000;

let failures = 0;
function finding(scenario, check, ok, detail = {}) {
  if (!ok) failures += 1;
  console.log(JSON.stringify({ scenario, check, ok, ...detail }));
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const errorText = (error) => {
  if (!(error instanceof Error)) return String(error);
  const parts = [`${error.name}: ${error.message}`];
  if (error.code !== undefined) parts.push(`code ${error.code}`);
  if (error.data !== undefined) parts.push(`data ${JSON.stringify(error.data)}`);
  if (error.cause !== undefined) parts.push(`cause ${errorText(error.cause)}`);
  return parts.join("; ");
};
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The ext-tasks `rawDispatch`: a host request coordinator over the SDK client's own transport.
 * It owns its request ids and the matching of their responses; `wire` keeps every exchange
 * (request, response, HTTP status and headers) for the findings.
 */
class HostRequestCoordinator {
  #transport;
  #pending = new Map();
  #next = 0;
  /** @type {{id: string, method: string, params: unknown, response?: any, http?: any, error?: string}[]} */
  wire = [];

  constructor(transport, httpLog) {
    this.#transport = transport;
    this.httpLog = httpLog;
    // Installed after client.connect(), so it wraps the SDK client's handler: responses to this
    // coordinator's ids are taken here, everything else goes on to the SDK client untouched.
    const sdkOnMessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isObject(message) && !("method" in message) && this.#pending.has(message.id)) {
        const settle = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        settle(message);
        return;
      }
      sdkOnMessage?.call(transport, message, extra);
    };
  }

  dispatch = async (request, options = {}) => {
    const id = `ext-tasks-${++this.#next}`;
    const message = { jsonrpc: "2.0", id, method: request.method };
    if (request.params !== undefined) message.params = request.params;
    const entry = { id, method: request.method, params: request.params };
    this.wire.push(entry);
    const timeoutMs = options.context?.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const response = await new Promise((resolve, reject) => {
      let done = false;
      const finish = (then) => {
        if (done) return;
        done = true;
        this.#pending.delete(id);
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        then();
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${request.method} got no response in ${timeoutMs} ms`))),
        timeoutMs,
      );
      const onAbort = () =>
        finish(() => reject(options.signal.reason ?? new DOMException("The operation was aborted", "AbortError")));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, (reply) => finish(() => resolve(reply)));
      this.#transport
        .send(message, {
          ...(options.signal === undefined ? {} : { requestSignal: options.signal }),
          // ext-tasks passes Mcp-Name here for tasks/*; the transport ignores it (a reserved
          // header) and derives it from params.taskId itself, which the header check verifies.
          ...(options.context?.headers === undefined ? {} : { headers: options.context.headers }),
        })
        .catch((error) => finish(() => reject(error)));
    }).catch((error) => {
      entry.error = errorText(error);
      entry.http = this.httpLog.get(id);
      throw error;
    });
    entry.response = response;
    entry.http = this.httpLog.get(id);
    if (isObject(response.error)) {
      const { code, message: text, data } = response.error;
      return { kind: "error", error: { code, message: text, ...(data === undefined ? {} : { data }) } };
    }
    return { kind: "result", result: response.result };
  };
}

/** `fetch` for the transport that notes, per JSON-RPC id, the HTTP status and MCP headers. */
function recordingFetch(httpLog) {
  return async (input, init = {}) => {
    const response = await fetch(input, init);
    if (init.method === "POST" && typeof init.body === "string") {
      let body;
      try {
        body = JSON.parse(init.body);
      } catch {
        body = undefined;
      }
      if (isObject(body) && body.id !== undefined) {
        const headers = new Headers(init.headers);
        httpLog.set(body.id, {
          status: response.status,
          contentType: response.headers.get("content-type"),
          protocolVersion: headers.get("mcp-protocol-version"),
          mcpMethod: headers.get("mcp-method"),
          mcpName: headers.get("mcp-name"),
        });
      }
    }
    return response;
  };
}

/** A connected SDK client, its coordinator and an ext-tasks session over both. */
async function open(scenario, onInputRequest) {
  const httpLog = new Map();
  const client = new Client(CLIENT_INFO, {
    capabilities: CLIENT_CAPABILITIES,
    versionNegotiation: { mode: { pin: MODERN } },
  });
  const transport = new StreamableHTTPClientTransport(url, { fetch: recordingFetch(httpLog) });
  try {
    await client.connect(transport);
  } catch (error) {
    finding(scenario, "connect", false, { url: String(url), error: errorText(error) });
    return undefined;
  }
  const extension = client.getServerCapabilities()?.extensions?.[TASKS];
  const advertised = isObject(extension) && Object.keys(extension).length === 0;
  finding(scenario, "server advertises the tasks extension", advertised && client.getNegotiatedProtocolVersion() === MODERN, {
    protocolVersion: client.getNegotiatedProtocolVersion(),
    extensions: client.getServerCapabilities()?.extensions ?? null,
  });
  if (!advertised) {
    await client.close();
    return undefined;
  }
  const coordinator = new HostRequestCoordinator(transport, httpLog);
  const backgroundErrors = [];
  let session;
  try {
    session = createTaskSessionFromClient(client, {
      endpointId: `ts-tasks-client ${url}`,
      rawDispatch: coordinator.dispatch,
      v2RequestFraming: {
        protocolVersion: client.getNegotiatedProtocolVersion(),
        clientInfo: CLIENT_INFO,
        clientCapabilities: CLIENT_CAPABILITIES,
      },
      onInputRequest,
      onError: (error) => backgroundErrors.push(errorText(error)),
    });
  } catch (error) {
    finding(scenario, "ext-tasks session", false, { error: errorText(error) });
    await client.close();
    return undefined;
  }
  const close = async () => {
    await session.close().catch(() => {});
    await client.close().catch(() => {});
  };
  return { client, coordinator, session, backgroundErrors, close };
}

/** The wire log, short: method, id, what came back. */
function summariseWire(wire) {
  return wire.map(({ id, method, params, response, http, error }) => {
    const line = { id, method };
    if (isObject(params) && params.taskId !== undefined) line.taskId = params.taskId;
    if (method === "tasks/update") line.inputResponses = params?.inputResponses;
    if (http !== undefined) line.http = http.status;
    if (error !== undefined) line.error = error;
    if (isObject(response?.error)) line.rpcError = response.error;
    if (isObject(response?.result)) {
      const { resultType, status, inputRequests } = response.result;
      Object.assign(line, { resultType, ...(status === undefined ? {} : { status }) });
      if (inputRequests !== undefined) line.inputRequestKeys = Object.keys(inputRequests);
    }
    return line;
  });
}

/** Every request ext-tasks made: framed for 2026-07-28 with the tasks capability, right headers. */
function checkFraming(scenario, wire, taskId) {
  const problems = [];
  for (const { id, method, params, http } of wire) {
    const meta = params?._meta ?? {};
    if (meta["io.modelcontextprotocol/protocolVersion"] !== MODERN) problems.push(`${id} ${method}: _meta protocolVersion`);
    if (!isObject(meta["io.modelcontextprotocol/clientInfo"])) problems.push(`${id} ${method}: _meta clientInfo`);
    const capabilities = meta["io.modelcontextprotocol/clientCapabilities"];
    if (!isObject(capabilities?.extensions?.[TASKS]) || !isObject(capabilities?.elicitation))
      problems.push(`${id} ${method}: _meta clientCapabilities ${JSON.stringify(capabilities)}`);
    if (http === undefined) {
      problems.push(`${id} ${method}: no HTTP exchange recorded`);
      continue;
    }
    if (http.protocolVersion !== MODERN) problems.push(`${id} ${method}: MCP-Protocol-Version ${http.protocolVersion}`);
    if (http.mcpMethod !== method) problems.push(`${id} ${method}: Mcp-Method ${http.mcpMethod}`);
    const name = method === "tools/call" ? params?.name : params?.taskId;
    if (http.mcpName !== name) problems.push(`${id} ${method}: Mcp-Name ${http.mcpName}, expected ${name}`);
    if (method.startsWith("tasks/") && params?.taskId !== taskId) problems.push(`${id} ${method}: taskId ${params?.taskId}`);
  }
  finding(scenario, "ext-tasks requests framed for 2026-07-28 (meta, MCP-Protocol-Version, Mcp-Method, Mcp-Name)", problems.length === 0, {
    requests: wire.length,
    ...(problems.length ? { problems } : {}),
  });
}

const taskCreation = (wire) =>
  wire.find((entry) => entry.method === "tools/call" && entry.response?.result?.resultType === "task")?.response.result;

async function inputScenario() {
  const scenario = "input";
  const inputs = [];
  const opened = await open(scenario, async (request, context) => {
    inputs.push({ request, context: { scope: context.scope, delivery: context.delivery, taskId: context.taskId, inputId: context.inputId } });
    if (request.kind !== "elicitation") throw new Error(`unexpected ${request.kind} input request`);
    return { action: "accept", content: { confirm: true } };
  });
  if (opened === undefined) return;
  const { session, coordinator, backgroundErrors, close } = opened;
  try {
    let execution;
    try {
      execution = await session.callTool("confirm_delete", { filename: "report.txt" });
    } catch (error) {
      finding(scenario, "tools/call confirm_delete answered with a task", false, {
        error: errorText(error),
        wire: summariseWire(coordinator.wire),
      });
      return;
    }
    const created = taskCreation(coordinator.wire);
    finding(scenario, "tools/call confirm_delete answered with a task", execution.kind === "task" && created !== undefined, {
      kind: execution.kind,
      ...(created === undefined ? {} : { taskId: created.taskId, status: created.status, ttlMs: created.ttlMs, pollIntervalMs: created.pollIntervalMs }),
    });
    if (execution.kind !== "task") {
      finding(scenario, "immediate result instead", false, { result: await execution.result().catch(errorText) });
      return;
    }
    const taskId = execution.handle.taskId;

    const statuses = [];
    let settlement;
    try {
      settlement = await execution.settle({
        signal: AbortSignal.timeout(SETTLE_MS),
        onEvent: (event) => {
          if (event.type === "task") statuses.push(event.task.status);
        },
      });
    } catch (error) {
      finding(scenario, "task settled", false, { taskId, error: errorText(error), statuses, wire: summariseWire(coordinator.wire) });
      return;
    }

    // input_required: seen by ext-tasks (as an event, or the tasks/get that carried it) and
    // handed to onInputRequest as one form elicitation asking for a boolean `confirm`.
    const polledInputRequired = coordinator.wire.filter(
      (entry) => entry.method === "tasks/get" && entry.response?.result?.status === "input_required",
    );
    const keys = [...new Set(polledInputRequired.flatMap((entry) => Object.keys(entry.response.result.inputRequests ?? {})))];
    const wireRequest = polledInputRequired[0]?.response.result.inputRequests?.[keys[0]];
    const schema = wireRequest?.params?.requestedSchema;
    const formOk =
      wireRequest?.method === "elicitation/create" &&
      (wireRequest.params.mode === undefined || wireRequest.params.mode === "form") &&
      schema?.type === "object" &&
      schema?.properties?.confirm?.type === "boolean";
    const handled =
      inputs.length === 1 &&
      inputs[0].request.kind === "elicitation" &&
      inputs[0].context.delivery === "task-update" &&
      inputs[0].context.taskId === taskId &&
      inputs[0].context.inputId === keys[0];
    finding(
      scenario,
      "task went to input_required with one elicitation/create form request (boolean confirm), handled by ext-tasks",
      (statuses.includes("input_required") || polledInputRequired.length > 0) && keys.length === 1 && formOk && handled,
      { taskId, statuses, inputRequestKeys: keys, inputRequest: wireRequest ?? null, handlerCalls: inputs },
    );

    // The answer went back as tasks/update {inputResponses: {<key>: accept, confirm: true}}, acknowledged.
    const updates = coordinator.wire.filter((entry) => entry.method === "tasks/update");
    const answered = updates.find((entry) => {
      const response = entry.params?.inputResponses?.[keys[0]];
      return response?.action === "accept" && response?.content?.confirm === true;
    });
    finding(
      scenario,
      "ext-tasks answered it with tasks/update (accept, confirm: true), acknowledged with an empty complete result",
      updates.length === 1 && answered !== undefined && answered.response?.result?.resultType === "complete",
      { updates: summariseWire(updates) },
    );

    // Two findings: what the server's tasks/get said, and whether ext-tasks took it as the call's
    // result (it reads `result` as a 2026-07-28 CallToolResult, resultType "complete" included).
    const textOf = (result) =>
      (Array.isArray(result?.content) ? result.content : [])
        .filter((block) => block?.type === "text")
        .map((block) => block.text)
        .join("\n");
    const polled = coordinator.wire.findLast((entry) => entry.method === "tasks/get" && entry.response?.result?.status === "completed")
      ?.response.result.result;
    finding(scenario, "tasks/get: task completed, its result's text contains \"deleted report.txt\"", polled !== undefined && textOf(polled).includes("deleted report.txt"), {
      taskId,
      result: polled ?? null,
      lastStatus: settlement.lastTask?.status,
    });
    const outcome = settlement.outcome;
    const text = outcome.status === "completed" ? textOf(outcome.result) : undefined;
    finding(scenario, "ext-tasks settled the execution completed, with the text \"deleted report.txt\"", outcome.status === "completed" && text?.includes("deleted report.txt") === true, {
      taskId,
      status: outcome.status,
      ...(text === undefined ? {} : { text }),
      ...(outcome.status === "failed" ? { error: errorText(outcome.error) } : {}),
    });
    checkFraming(scenario, coordinator.wire, taskId);
    finding(scenario, "no background errors from ext-tasks", backgroundErrors.length === 0, { errors: backgroundErrors });
    finding(scenario, "wire", true, { exchanges: summariseWire(coordinator.wire) });
  } finally {
    await close();
  }
}

async function cancelScenario() {
  const scenario = "cancel";
  const inputs = [];
  const opened = await open(scenario, async (request) => {
    inputs.push(request);
    throw new Error(`unexpected ${request.kind} input request`);
  });
  if (opened === undefined) return;
  const { session, coordinator, backgroundErrors, close } = opened;
  try {
    let execution;
    try {
      execution = await session.callTool("slow_compute", { seconds: 30, label: "cancel-me" });
    } catch (error) {
      finding(scenario, "tools/call slow_compute answered with a working task", false, {
        error: errorText(error),
        wire: summariseWire(coordinator.wire),
      });
      return;
    }
    const created = taskCreation(coordinator.wire);
    finding(scenario, "tools/call slow_compute answered with a working task", execution.kind === "task" && created?.status === "working", {
      kind: execution.kind,
      ...(created === undefined ? {} : { taskId: created.taskId, status: created.status, ttlMs: created.ttlMs, pollIntervalMs: created.pollIntervalMs }),
    });
    if (execution.kind !== "task") return;
    const taskId = execution.handle.taskId;

    const statuses = [];
    const settled = execution.settle({
      signal: AbortSignal.timeout(SETTLE_MS),
      onEvent: (event) => {
        if (event.type === "task") statuses.push(event.task.status);
      },
    });
    await sleep(CANCEL_AFTER_MS);
    try {
      await execution.cancel(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    } catch (error) {
      finding(scenario, "ext-tasks cancelled the task (tasks/cancel acknowledged)", false, {
        taskId,
        error: errorText(error),
        wire: summariseWire(coordinator.wire),
      });
      await settled.catch(() => {});
      return;
    }
    const cancels = coordinator.wire.filter((entry) => entry.method === "tasks/cancel");
    finding(
      scenario,
      "ext-tasks cancelled the task (tasks/cancel acknowledged)",
      cancels.length === 1 && cancels[0].response?.result?.resultType === "complete",
      { taskId, cancels: summariseWire(cancels) },
    );
    const local = await settled.then(
      (settlement) => settlement.outcome.status,
      (error) => `settle threw ${errorText(error)}`,
    );
    finding(scenario, "ext-tasks execution settled as cancelled", local === "cancelled", { taskId, outcome: local, statuses });

    // The server's own view, through the same session: tasks/get until terminal.
    const controller = session.task(taskId);
    const seen = [];
    const started = Date.now();
    let last;
    while (Date.now() - started < CANCELLED_WITHIN_MS) {
      try {
        last = await controller.snapshot(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
      } catch (error) {
        last = { status: `tasks/get failed: ${errorText(error)}` };
        break;
      }
      seen.push(last.status);
      if (["completed", "failed", "cancelled"].includes(last.status)) break;
      await sleep(Math.min(Math.max(last.suggestedPollIntervalMs ?? 100, 50), 500));
    }
    finding(scenario, `tasks/get shows the task cancelled within ${CANCELLED_WITHIN_MS / 1000}s`, last?.status === "cancelled", {
      taskId,
      afterMs: Date.now() - started,
      statuses: [...new Set(seen)],
      last: last?.raw ?? last ?? null,
    });
    checkFraming(scenario, coordinator.wire, taskId);
    finding(scenario, "no input requests, no background errors", inputs.length === 0 && backgroundErrors.length === 0, {
      inputs,
      errors: backgroundErrors,
    });
    finding(scenario, "wire", true, { exchanges: summariseWire(coordinator.wire) });
  } finally {
    await close();
  }
}

const timer = setTimeout(() => {
  finding("summary", `not done after ${deadlineMs / 1000}s`, false);
  process.exit(1);
}, deadlineMs);
try {
  await inputScenario();
  await cancelScenario();
} catch (error) {
  finding("summary", "unexpected error", false, { error: errorText(error), stack: error?.stack });
}
clearTimeout(timer);
console.log(JSON.stringify({ scenario: "summary", ok: failures === 0, failures, url: String(url), clients: CLIENTS }));
process.exit(failures === 0 ? 0 : 1);
