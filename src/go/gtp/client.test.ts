import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GtpClient } from './client.js';

// Tiny scripted "engines" written in plain node, to exercise failure paths.
const node = process.execPath;

test('client reports an engine that dies while a command is pending', async () => {
  const c = GtpClient.spawn(node, ['-e', "process.stdin.once('data', () => { process.stderr.write('boom: out of cheese\\n'); process.exit(3); })"], { name: 'dying' });
  await assert.rejects(c.send('genmove b'), /GTP engine 'dying' exited with code 3; its stderr ended with: boom: out of cheese while waiting for the reply to 'genmove b'/);
  await assert.rejects(c.send('name'), /exited with code 3.*before 'name' was sent/);
});

test('client times out on an engine that never answers, and stops it', async () => {
  const c = GtpClient.spawn(node, ['-e', 'setInterval(() => {}, 1000); process.stdin.resume()'], { name: 'silent' });
  await assert.rejects(c.send('name', 300), /GTP engine 'silent' did not answer 'name' within 300 ms/);
  assert.equal(c.isAlive, false);
});

test('client parses multi-line replies, ids and error replies; reports a missing executable', async () => {
  const script = `
    let buf = '';
    process.stdin.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(0, 0) + buf.slice(i + 1);
        const [id, cmd] = line.split(' ');
        if (cmd === 'list') process.stdout.write('=' + id + ' a\\nb\\nc\\n\\n');
        else if (cmd === 'quit') { process.stdout.write('=' + id + '\\n\\n'); process.exit(0); }
        else process.stdout.write('?' + id + ' nope\\n\\n');
      }
    });`;
  const c = GtpClient.spawn(node, ['-e', script], { name: 'fake' });
  assert.equal(await c.send('list'), 'a\nb\nc');
  await assert.rejects(c.send('other'), /GTP engine 'fake' refused 'other': nope/);
  assert.equal(await c.send('list'), 'a\nb\nc', 'commands after an error still work');
  await c.close();
  const missing = GtpClient.spawn('/nonexistent/engine-xyz', [], { name: 'ghost' });
  await assert.rejects(missing.send('name'), /GTP engine 'ghost' could not be started: spawn \/nonexistent\/engine-xyz ENOENT/);
});
