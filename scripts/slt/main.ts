// Entry point of `npm run slt` (see cli.ts for the options). With --jobs N
// this same module runs as each worker thread: files go to the workers one
// at a time and their reports come back as plain data.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runCli, runOneFile, type FileReport, type FileRunOptions, type ParallelRunner } from './cli.ts';
import { createEngine } from './engines.ts';

type WorkerReply = { readonly ok: true; readonly report: FileReport } | { readonly ok: false; readonly message: string; readonly code?: string };

interface WorkerData {
  readonly sltWorker: FileRunOptions;
}

function isWorkerData(data: unknown): data is WorkerData {
  return typeof data === 'object' && data !== null && 'sltWorker' in data;
}

function workerPool(jobs: number, options: FileRunOptions): ParallelRunner {
  const workers = Array.from({ length: jobs }, () => new Worker(new URL(import.meta.url), { workerData: { sltWorker: options } }));
  return {
    run(file, lane) {
      const worker = workers[lane];
      if (worker === undefined) throw new Error(`assertion failed: no worker for lane ${lane}`);
      return new Promise<FileReport>((resolve, reject) => {
        const onError = (error: Error): void => {
          worker.off('message', onMessage);
          reject(error);
        };
        const onMessage = (reply: WorkerReply): void => {
          worker.off('error', onError);
          if (reply.ok) resolve(reply.report);
          else reject(Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code }));
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        worker.postMessage(file);
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

function serveWorker(options: FileRunOptions): void {
  const port = parentPort;
  if (port === null) throw new Error('assertion failed: a worker has a parent port');
  port.on('message', (file: string) => {
    const log: string[] = [];
    runOneFile(file, createEngine, options, (line) => log.push(line)).then(
      (result) => port.postMessage({ ok: true, report: { result, log } } satisfies WorkerReply),
      (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        const reply: WorkerReply = {
          ok: false,
          message: error instanceof Error ? error.message : String(error),
          ...(typeof code === 'string' ? { code } : {}),
        };
        port.postMessage(reply);
      },
    );
  });
}

if (!isMainThread && isWorkerData(workerData)) {
  serveWorker(workerData.sltWorker);
} else {
  process.exitCode = await runCli(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    createEngine,
    parallel: workerPool,
  });
}
