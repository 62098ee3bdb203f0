// Imported first by every entry point (npm start, npm run admin, npm run migrate). The npm
// scripts run the Node.js 24 that `npm install` brings; a direct call with an older system
// `node` that gets this far says in one line what to run instead.

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  const script = process.argv[1] ?? '';
  const command = /cli[\\/]admin\.ts$/.test(script) ? 'npm run admin -- <command>' : /cli[\\/]migrate\.ts$/.test(script) ? 'npm run migrate' : 'npm start';
  console.error(`Lavka needs Node.js ${REQUIRED_MAJOR} (this is ${process.versions.node}): run \`${command}\`, which uses the Node.js ${REQUIRED_MAJOR} that npm installed.`);
  process.exit(1);
}

export {};
