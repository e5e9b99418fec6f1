// A reader process for rotation soak tests, standing in for the coordinator's reload task:
// re-reads and parses a tokens file in a tight loop and counts every read that is not a
// complete, normalised file (missing, empty, no final newline, a blank or malformed line, a
// duplicate). Bounded: stops when <stop-file> appears or after <max-ms>, whichever is first,
// then prints one JSON line {reads, bad, samples, distinctContents}.
//
// usage: node token-reader.mjs <tokens-file> <stop-file> <max-ms>
import { existsSync, readFileSync } from 'node:fs';

const [file, stopFile, maxMsText] = process.argv.slice(2);
const maxMs = Number(maxMsText ?? '60000');
const started = Date.now();
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

let reads = 0;
let bad = 0;
const samples = [];
const contents = new Set();

function check(text) {
  if (text.length === 0) return 'empty';
  if (!text.endsWith('\n')) return `no final newline (${text.length} bytes)`;
  const lines = text.slice(0, -1).split('\n');
  const seen = new Set();
  for (const [i, line] of lines.entries()) {
    if (!TOKEN.test(line)) return `line ${i + 1} is not a token (${line.length} chars)`;
    if (seen.has(line)) return `line ${i + 1} is a duplicate`;
    seen.add(line);
  }
  return null;
}

for (;;) {
  for (let i = 0; i < 50; i++) {
    let problem;
    try {
      const text = readFileSync(file, 'utf8');
      problem = check(text);
      if (contents.size < 100_000) contents.add(text);
    } catch (error) {
      problem = `read failed: ${error.code ?? error.message}`;
    }
    reads++;
    if (problem) {
      bad++;
      if (samples.length < 10) samples.push(problem);
    }
  }
  if (existsSync(stopFile) || Date.now() - started > maxMs) break;
}
process.stdout.write(`${JSON.stringify({ reads, bad, samples, distinctContents: contents.size })}\n`);
