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
  push(ref: string): Promise<void>
}

export class DockerCli implements DockerPort {
  constructor(private readonly scrub: (text: string) => string = (t) => t) {}

  async login(host: string, apiKey: string): Promise<void> {
    await this.run(['login', host, '--username', '_', '--password-stdin'], Buffer.from(apiKey))
  }

  async tag(source: string, target: string): Promise<void> {
    await this.run(['tag', source, target])
  }

  async push(ref: string): Promise<void> {
    await this.run(['push', ref])
  }

  private async run(args: string[], input?: Buffer): Promise<void> {
    let stderr = ''
    const code = await exec
      .exec('docker', args, {
        input,
        ignoreReturnCode: true,
        listeners: { stderr: (data: Buffer) => (stderr += data.toString()) }
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
  }
}
