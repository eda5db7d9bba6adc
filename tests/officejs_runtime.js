// Excel's custom-functions runtime, as far as xlwings Server's JavaScript needs it.
//
// Usage: node officejs_runtime.js ORIGIN RUNTIME
//
// Fetches the custom-functions JavaScript that the server at ORIGIN serves,
// runs it with the Office globals stubbed (Office, Excel, CustomFunctions and
// the helpers that xlwings' task pane would set), and reports on stdout one
// JSON line {"ready": true, "functions": [...]} with the names it registered.
// Then it reads one JSON request per line on stdin, {"name": "TCO", "args":
// [...]}, calls the registered function as Excel does (every argument a 2-D
// array or null, the invocation last) and answers one JSON line per request:
//   {"result": <what the function returned>}
//   {"result": ..., "seconds": ...}  (with "repeat": N, the time of N calls)
//   {"error": {"code": "#VALUE!", "message": "..."}}   (a CustomFunctions.Error)
//
// RUNTIME is the CustomFunctionsRuntime requirement set the host claims
// ("1.4", "1.3", ...). Only Node's core modules are used, and nothing newer
// than Node 18 (no global fetch or crypto needed), so that the Node of older
// Debian releases runs it as well as a current one.
"use strict";

const http = require("http");
const readline = require("readline");
const vm = require("vm");
const nodeCrypto = require("crypto");

const [origin, runtimeVersion] = process.argv.slice(2);

function versionAtMost(wanted, supported) {
  const a = String(wanted).split(".").map(Number);
  const b = String(supported).split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] || 0;
    const y = b[i] || 0;
    if (x !== y) return x < y;
  }
  return true;
}

function request(method, url, body, headers) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body), "utf8");
    const req = http.request(url, { method: method, headers: headers || {} }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

// What the task pane's utils.js provides: an axios-like POST that resolves to
// {data} and rejects with {response: {status, statusText, data}} on an HTTP error.
const xwRequest = {
  post: async (url, body, options) => {
    const headers = Object.assign({}, (options && options.headers) || {});
    headers["Content-Type"] = "application/json";
    const answer = await request("POST", url, body, headers);
    let data = answer.text;
    try {
      data = JSON.parse(answer.text);
    } catch (error) {
      // plain text, as xlwings Server answers an error
    }
    if (answer.status >= 200 && answer.status < 300) return { data: data };
    const failure = new Error(`HTTP ${answer.status}`);
    failure.response = { status: answer.status, statusText: String(answer.status), data: data };
    throw failure;
  },
};

class CustomFunctionsError extends Error {
  constructor(code, message) {
    super(message === undefined ? "" : message);
    this.code = code;
  }
}

const registered = {};

Object.assign(globalThis, {
  window: { location: { origin: origin } },
  config: {
    customFunctionsMaxRetries: 1,
    customFunctionsRetryCodes: [500, 502, 503, 504],
    requestTimeout: 60,
    onWasm: false,
  },
  xwRequest: xwRequest,
  xlwings: {
    getCultureInfoName: async () => "en-US",
    getDateFormat: async () => "M/d/yyyy",
  },
  Office: {
    onReady: (callback) => {
      const info = { host: "Excel", platform: "OfficeOnline" };
      if (callback) callback(info);
      return Promise.resolve(info);
    },
    context: {
      requirements: {
        isSetSupported: (name, version) =>
          name === "CustomFunctionsRuntime" && versionAtMost(version, runtimeVersion),
      },
    },
  },
  Excel: {
    RequestContext: class {
      constructor() {
        this.workbook = { name: "Book1.xlsx", load: () => undefined };
      }
      async sync() {}
    },
  },
  CustomFunctions: {
    associate: (id, func) => {
      registered[id] = func;
    },
    Error: CustomFunctionsError,
    ErrorCode: {
      invalidValue: "#VALUE!",
      notAvailable: "#N/A",
      divisionByZero: "#DIV/0!",
      invalidNumber: "#NUM!",
      nullReference: "#NULL!",
      invalidName: "#NAME?",
      invalidReference: "#REF!",
    },
  },
});
if (!globalThis.crypto) globalThis.crypto = nodeCrypto.webcrypto;

function write(answer) {
  process.stdout.write(JSON.stringify(answer) + "\n");
}

async function call(line) {
  const { name, args, repeat } = JSON.parse(line);
  const func = registered[name];
  if (!func) return { missing: name };
  const invocation = { address: "Sheet1!A1", setResult: () => undefined };
  try {
    if (repeat) {
      // For the benchmarks: the same call made `repeat` times, one after the other.
      const start = process.hrtime();
      let result;
      for (let i = 0; i < repeat; i++) {
        // Each call gets its own copy of the arguments, as from Excel.
        result = await func(...JSON.parse(JSON.stringify(args)), invocation);
      }
      const [seconds, nanoseconds] = process.hrtime(start);
      return { result: result, seconds: seconds + nanoseconds / 1e9 };
    }
    return { result: await func(...args, invocation) };
  } catch (error) {
    if (error instanceof CustomFunctionsError) {
      return { error: { code: error.code, message: error.message } };
    }
    return { crashed: String((error && error.stack) || error) };
  }
}

async function main() {
  const code = await request("GET", origin + "/xlwings/custom-functions-code");
  if (code.status !== 200) throw new Error(`custom-functions-code: HTTP ${code.status}`);
  vm.runInThisContext(code.text, { filename: "custom-functions-code.js" });
  write({ ready: true, functions: Object.keys(registered).sort() });

  // One call at a time, in order: each answer is the next line out.
  const lines = readline.createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on("line", (line) => {
    queue = queue.then(() => call(line)).then(write);
  });
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
