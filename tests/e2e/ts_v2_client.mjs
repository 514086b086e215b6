// The TypeScript SDK v2 client (npm `@modelcontextprotocol/client`) against the calculator's
// /mcp, in each version-negotiation mode: pinned to 2026-07-28, and `auto`, which must choose
// 2026-07-28 at a server that serves both eras. N clients per mode at once; each lists the
// tools, calls add with sums distinct per client, divides by zero (an isError result) and
// checks that results carry the modern era's _meta.serverInfo.
//
//   node ts_v2_client.mjs --url http://127.0.0.1:8000/mcp --clients 10
//
// Prints `OK ...` and exits 0, or `FAIL ...` with each failure and exits 1. Needs Node 22
// (tests/e2e/node_modules/node22). Run by tests/tests/integration/e2e_typescript.rs.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const url = new URL(args.url);
const clients = Number(args.clients ?? 10);
const deadline = Number(args.deadline ?? 30) * 1000;
const MODERN = "2026-07-28";

function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function one(mode, index) {
  const client = new Client({ name: `ts-v2-${index}`, version: "1" }, { versionNegotiation: { mode } });
  await client.connect(new StreamableHTTPClientTransport(url));
  try {
    check(client.getNegotiatedProtocolVersion() === MODERN, `negotiated ${client.getNegotiatedProtocolVersion()}`);
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    check(["add", "divide", "statistics"].every((name) => names.includes(name)), `tools ${names}`);
    const a = index * 1000 + 7;
    const sum = await client.callTool({ name: "add", arguments: { a, b: 5 } });
    check(sum.content?.[0]?.text === String(a + 5), `add gave ${JSON.stringify(sum)}`);
    check(sum._meta?.["io.modelcontextprotocol/serverInfo"]?.name === "calculator", `no serverInfo: ${JSON.stringify(sum)}`);
    const zero = await client.callTool({ name: "divide", arguments: { dividend: 1, divisor: 0 } });
    check(zero.isError === true, `divide by zero gave ${JSON.stringify(zero)}`);
    return 2;
  } finally {
    await client.close();
  }
}

const failures = [];
let calls = 0;
const timer = setTimeout(() => {
  console.error(`FAIL ts_v2_client: not done after ${deadline / 1000}s`);
  process.exit(1);
}, deadline);
const runs = [];
for (const mode of [{ pin: MODERN }, "auto"]) {
  for (let index = 0; index < clients; index++) {
    runs.push(
      one(mode, index).then(
        (made) => (calls += made),
        (err) => failures.push(`[${JSON.stringify(mode)} #${index}] ${err.message}`),
      ),
    );
  }
}
await Promise.all(runs);
clearTimeout(timer);
if (failures.length) {
  console.error(`FAIL ts_v2_client ${url}: ${failures.length} failure(s)`);
  for (const failure of failures.slice(0, 20)) console.error(`  ${failure}`);
  process.exit(1);
}
console.log(`OK @modelcontextprotocol/client ${url}: ${clients} clients pinned to ${MODERN} and ${clients} in auto, ${calls} calls checked`);
