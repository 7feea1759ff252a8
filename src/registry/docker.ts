/**
 * The `docker` CLI for pushing local images to the Heroku Container Registry: `docker login`
 * with the key on stdin (`--password-stdin`, as heroku/cli `container/login.ts` does: never in
 * argv, where the process list would show it, and never in a file), `docker tag`, `docker push`.
 */
import * as exec from '@actions/exec'
import { DeployError } from '../errors.js'

export interface DockerPort {
  login(host: string, apiKey: string): Promise<void>
  tag(source: string, target: string): Promise<void>
  /** The manifest digest the registry stored, as `docker push` prints it; undefined if it did not. */
  push(ref: string): Promise<string | undefined>
}

/**
 * The digest in `docker push`'s last line, `<tag>: digest: sha256:<hex> size: <n>` (the format
 * since Docker 1.8, moby/moby#16988; docker/cli#6175 still points users at it): the one record of
 * what this push stored, which a later read of the tag cannot give when another push lands.
 */
export function pushedDigest(stdout: string): string | undefined {
  const found = [...stdout.matchAll(/: digest: (sha256:[0-9a-f]{64}) size: \d+/g)]
  return found.at(-1)?.[1]
}

export class DockerCli implements DockerPort {
  constructor(private readonly scrub: (text: string) => string = (t) => t) {}

  async login(host: string, apiKey: string): Promise<void> {
    await this.run(['login', host, '--username', '_', '--password-stdin'], Buffer.from(apiKey))
  }

  async tag(source: string, target: string): Promise<void> {
    await this.run(['tag', source, target])
  }

  async push(ref: string): Promise<string | undefined> {
    return pushedDigest(await this.run(['push', ref]))
  }

  /** Runs docker (its output shown in the log); its stdout. */
  private async run(args: string[], input?: Buffer): Promise<string> {
    let stdout = ''
    let stderr = ''
    const code = await exec
      .exec('docker', args, {
        input,
        ignoreReturnCode: true,
        listeners: {
          stdout: (data: Buffer) => (stdout += data.toString()),
          stderr: (data: Buffer) => (stderr += data.toString())
        }
      })
      .catch((err: unknown) => {
        throw new DeployError(
          `docker ${args[0]} could not run: ${(err as Error).message}. method container with a local image needs docker on PATH.`
        )
      })
    if (code !== 0) {
      const last = this.scrub(stderr.trim().split('\n').slice(-3).join(' '))
      throw new DeployError(`docker ${args[0]} exited ${code}${last ? `: ${last}` : ''}`)
    }
    return stdout
  }
}
