// Starts dynalite in memory on 127.0.0.1 (its own CLI binds every interface) and prints the port
// it got, so that the Java side can pass 0 and avoid port clashes.
'use strict';
const dynalite = require('dynalite');

const port = parseInt(process.argv[2] || '0', 10);
const server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log('LISTENING ' + server.address().port);
});
// Exit with the parent: the Java side closes our stdin when it stops (or dies).
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
