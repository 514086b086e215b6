"""Time from process start to the first answered requests of an MCP server over Streamable HTTP.

    python3 bench/startup.py --command PATH [--runs N]

Starts PATH --bind 127.0.0.1:PORT (a free loopback port), and measures, from just before the
process is started: when `initialize` is first answered (the server polled every millisecond
until it accepts the connection), and when the `tools/list` that follows is answered, whole.
Prints one JSON object per run: {"initialize_ms", "tools_list_ms", "tools"}. The server is
killed (by its pid) after each run.
"""

import argparse
import http.client
import json
import socket
import subprocess
import time

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "startup-bench", "version": "1"},
    },
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, message, session=None):
    """POSTs one message; returns (status, headers, the JSON-RPC message answered, or None)."""
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }
    if session:
        headers["Mcp-Session-Id"] = session
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/mcp", body=json.dumps(message), headers=headers)
        response = conn.getresponse()
        body = response.read().decode()
    finally:
        conn.close()
    answer = None
    if body.strip():
        if response.getheader("content-type", "").startswith("text/event-stream"):
            for line in body.splitlines():
                if line.startswith("data:") and line[5:].strip():
                    candidate = json.loads(line[5:])
                    if "id" in candidate:
                        answer = candidate
        else:
            answer = json.loads(body)
    return response.status, response, answer


def run_once(command):
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [command, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                status, response, answer = post(port, INITIALIZE)
                break
            except (ConnectionRefusedError, ConnectionResetError):
                if process.poll() is not None:
                    raise SystemExit(f"{command} exited with {process.returncode}")
                time.sleep(0.001)
        initialized = time.perf_counter()
        if status != 200 or not answer or "result" not in answer:
            raise SystemExit(f"initialize failed: {status} {answer}")
        session = response.getheader("mcp-session-id")
        post(port, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
        status, _, listed = post(port, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, session)
        finished = time.perf_counter()
        if status != 200 or not listed or "result" not in listed:
            raise SystemExit(f"tools/list failed: {status} {listed}")
        return {
            "initialize_ms": (initialized - started) * 1e3,
            "tools_list_ms": (finished - started) * 1e3,
            "tools": len(listed["result"]["tools"]),
        }
    finally:
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--command", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for _ in range(args.runs):
        print(json.dumps(run_once(args.command)), flush=True)


if __name__ == "__main__":
    main()
