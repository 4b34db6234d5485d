// GTP: the glassbox engine, its stdin/stdout server, and a client for external engines.
export { GtpEngine, GtpStream, type GtpEngineOptions, type GtpHandler } from './engine.js';
export { serveGtp } from './server.js';
export { GtpClient, GtpError, findExecutable, type GtpClientOptions } from './client.js';
