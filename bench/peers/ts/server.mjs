#!/usr/bin/env node
// The official TypeScript SDK (npm `@modelcontextprotocol/sdk`, pinned in package.json) serving one
// `add` tool, written as the SDK's README shows, for bench/run.sh:
//
//   node server.mjs --transport sse|streamable|stateless --port PORT
//
//   sse         GET /sse + POST /messages (SSEServerTransport, one McpServer per session)
//   streamable  POST /mcp with sessions (StreamableHTTPServerTransport, enableJsonResponse)
//   stateless   POST /mcp, a new server and transport per request (the SDK's stateless pattern)
//
// Plain JSON replies (enableJsonResponse) are the SDK's fastest option, so that is what is measured.

import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import express from "express";
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

const { values } = parseArgs({
    options: {
        transport: { type: "string", default: "streamable" },
        port: { type: "string", default: "8000" },
    },
});

function newServer() {
    const server = new McpServer({ name: "bench-ts", version: "0.1.0" });
    server.registerTool(
        "add",
        {
            description: "Add two numbers.",
            inputSchema: { a: z.number().int(), b: z.number().int() },
        },
        async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
    );
    return server;
}

const app = express();
app.use(express.json());

if (values.transport === "sse") {
    const transports = new Map();
    app.get("/sse", async (req, res) => {
        const transport = new SSEServerTransport("/messages", res);
        transports.set(transport.sessionId, transport);
        res.on("close", () => transports.delete(transport.sessionId));
        await newServer().connect(transport);
    });
    app.post("/messages", async (req, res) => {
        const transport = transports.get(req.query.sessionId);
        if (!transport) {
            res.status(404).send("unknown session");
            return;
        }
        await transport.handlePostMessage(req, res, req.body);
    });
} else if (values.transport === "streamable") {
    const transports = new Map();
    app.post("/mcp", async (req, res) => {
        const sessionId = req.headers["mcp-session-id"];
        let transport = sessionId && transports.get(sessionId);
        if (!transport) {
            if (sessionId || !isInitializeRequest(req.body)) {
                res.status(sessionId ? 404 : 400).json({
                    jsonrpc: "2.0",
                    error: { code: -32000, message: "no valid session" },
                    id: null,
                });
                return;
            }
            transport = new StreamableHTTPServerTransport({
                sessionIdGenerator: () => randomUUID(),
                enableJsonResponse: true,
                onsessioninitialized: (id) => transports.set(id, transport),
            });
            transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
            await newServer().connect(transport);
        }
        await transport.handleRequest(req, res, req.body);
    });
} else if (values.transport === "stateless") {
    app.post("/mcp", async (req, res) => {
        const server = newServer();
        const transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: undefined,
            enableJsonResponse: true,
        });
        res.on("close", () => {
            transport.close();
            server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, req.body);
    });
} else {
    console.error(`unknown transport ${values.transport}`);
    process.exit(2);
}

app.listen(Number(values.port), "127.0.0.1", (error) => {
    if (error) {
        console.error(error);
        process.exit(1);
    }
    console.error(`bench-ts: ${values.transport} on 127.0.0.1:${values.port}`);
});
