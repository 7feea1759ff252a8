import { guardCommandsIn } from './commands/inert-log.js'
import { NOTHING_TO_DO, postStepHasNothingToDo } from './report/post-fast-path.js'

// Outside text in a log line (a commit, a release description, an error) acts as no command.
guardCommandsIn(process.stdout)
guardCommandsIn(process.stderr)

// The rest of the action is a separate chunk, loaded only when there is work: a post step after
// a finished main step (the usual case) ends here, without loading it.
if (postStepHasNothingToDo(process.env)) {
  process.stdout.write(`::debug::${NOTHING_TO_DO}\n`)
} else {
  const { run } = await import('./run/start.js')
  await run()
}
