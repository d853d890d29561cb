#!/usr/bin/env node
// The images' HEALTHCHECK: GET a path of the running server (default /ready, which answers 503
// until every model is loaded) and exit 0 on 200, 1 otherwise. Plain Node, because the images
// carry no curl or wget.
//
//   node /app/docker/healthcheck.cjs [/path]
'use strict';
const http = require('node:http');

const path = process.argv[2] || '/ready';
const port = Number(process.env.FACECRAFT_PORT || 8000);
// A server bound to every interface is asked on loopback; one bound to a single address, there.
const bound = process.env.FACECRAFT_HOST || '0.0.0.0';
const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;

const request = http.get({ host, port, path, timeout: 4000 }, (response) => {
  response.resume();
  if (response.statusCode !== 200) console.error(`${path}: HTTP ${response.statusCode}`);
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
request.on('error', (error) => {
  console.error(`${path}: ${error.message}`);
  process.exit(1);
});
