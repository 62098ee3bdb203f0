// Imported first by every entry point (npm start and the npm run tools in src/cli). The npm
// scripts run the Node.js 24 that `npm install` brings; a direct call with an older system
// `node` that gets this far says in one line what to run instead.

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  const script = process.argv[1] ?? '';
  const tool = /cli[\\/](\w+)\.ts$/.exec(script)?.[1];
  const command = tool === 'admin' ? 'npm run admin -- <command>' : tool ? `npm run ${tool}` : 'npm start';
  console.error(`Lavka needs Node.js ${REQUIRED_MAJOR} (this is ${process.versions.node}): run \`${command}\`, which uses the Node.js ${REQUIRED_MAJOR} that npm installed.`);
  process.exit(1);
}

export {};
