import '../config/node-version.ts';
import { environmentWithFile, envFilePath } from '../config/env-file.ts';
import { diagnose, type Finding } from './doctor-checks.ts';

// `npm run doctor`: checks a deployment — configuration, the token, the webhook, the database
// and its migrations, the disk, Redis, the payment gateways, the staff chats — and says what is
// wrong and how to fix it. Exit code 1 when anything is a problem (for scripts and CI).

const MARK: Record<Finding['level'], string> = { ok: 'ok     ', warning: 'WARNING', problem: 'PROBLEM' };

try {
  process.stdout.write(`Checking the Lavka deployment in ${process.cwd()} (environment file: ${envFilePath()})\n\n`);
  const findings = await diagnose(environmentWithFile());
  for (const finding of findings) {
    const [first, ...rest] = finding.message.split('\n');
    process.stdout.write(`${MARK[finding.level]}  ${finding.area}: ${first}\n${rest.map((line) => `         ${line}\n`).join('')}`);
    if (finding.fix && finding.level !== 'ok') process.stdout.write(`         fix: ${finding.fix}\n`);
  }
  const problems = findings.filter((finding) => finding.level === 'problem').length;
  const warnings = findings.filter((finding) => finding.level === 'warning').length;
  process.stdout.write(
    problems > 0
      ? `\n${problems} problem${problems === 1 ? '' : 's'}${warnings > 0 ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}: fix them and run npm run doctor again.\n`
      : `\nNo problems${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}.\n`,
  );
  process.exitCode = problems > 0 ? 1 : 0;
} catch (error) {
  console.error(`The doctor could not finish: ${(error as Error).message}`);
  process.exitCode = 1;
}
