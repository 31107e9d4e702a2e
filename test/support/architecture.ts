/**
 * Numbers about the source tree's shape that a review checks (issue: a kernel in three places):
 * folder-level import loops, functions over 100 lines, files over 400 lines, and bare `Error`s
 * (errors without a code) in the compiler and runtime. test/unit/architecture.test.ts holds the
 * first and last at zero; `npm run report:architecture` prints them all.
 *
 * A folder-level loop is a cycle among folders that are not one inside the other: a folder's own
 * files (compile.ts, session.ts, the lane worker's entry) orchestrate its subfolders and share
 * what every subfolder uses (diagnostics.ts), so edges between a folder and its descendants are
 * layering, not loops.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Node, Project } from 'ts-morph';
import { repoRoot } from './paths.js';

const sourceRoots = ['compiler', 'runtime'];

export interface ArchitectureReport {
  /** Each loop as its folders, and one import per edge that closes it. */
  readonly folderLoops: readonly { folders: string[]; imports: string[] }[];
  readonly longFunctions: readonly { where: string; lines: number }[];
  readonly longFiles: readonly { file: string; lines: number }[];
  readonly bareErrors: readonly string[];
}

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(repoRoot, dir))) {
      const path = join(dir, name);
      if (statSync(join(repoRoot, path)).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path);
    }
  };
  sourceRoots.forEach(walk);
  return files.sort();
}

const isWithin = (folder: string, other: string): boolean => folder === other || folder.startsWith(`${other}/`);
const isAssembly = (file: string): boolean => file.includes('/assembly/');

/** Edges between folders neither of which holds the other, with an import that makes each. */
function folderEdges(files: readonly string[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files.filter((f) => !isAssembly(f))) {
    const from = dirname(file);
    for (const [, specifier] of readFileSync(join(repoRoot, file), 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(repoRoot, resolve(repoRoot, from, specifier));
      const to = dirname(target);
      if (isWithin(from, to) || isWithin(to, from)) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${file} → ${target.replace(/\.js$/, '.ts')}`);
    }
  }
  return edges;
}

/** Strongly connected components of more than one folder (Tarjan). */
function loopsOf(edges: Map<string, Map<string, string>>): { folders: string[]; imports: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: { folders: string[]; imports: string[] }[] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    onStack.add(folder);
    for (const next of edges.get(folder)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
    }
    if (low.get(folder) !== index.get(folder)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== folder);
    if (component.length < 2) return;
    const inside = new Set(component);
    const imports = component.flatMap((f) => [...(edges.get(f) ?? [])].filter(([to]) => inside.has(to)).map(([, via]) => via));
    loops.push({ folders: component.sort(), imports });
  };
  for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);
  return loops;
}

function longFunctions(files: readonly string[], limit: number): { where: string; lines: number }[] {
  const project = new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const found: { where: string; lines: number }[] = [];
  for (const file of files) {
    const source = project.addSourceFileAtPath(join(repoRoot, file));
    source.forEachDescendant((node) => {
      if (!Node.isFunctionDeclaration(node) && !Node.isMethodDeclaration(node) && !Node.isArrowFunction(node)
        && !Node.isFunctionExpression(node) && !Node.isConstructorDeclaration(node)) return;
      const lines = node.getEndLineNumber() - node.getStartLineNumber() + 1;
      if (lines <= limit) return;
      const parent = node.getParent();
      const name = Node.isConstructorDeclaration(node) ? 'constructor'
        : Node.isFunctionDeclaration(node) || Node.isMethodDeclaration(node) ? node.getName() ?? '(anonymous)'
          : parent && Node.isVariableDeclaration(parent) ? parent.getName() : '(anonymous)';
      found.push({ where: `${file}:${node.getStartLineNumber()} ${name}`, lines });
    });
  }
  return found.sort((a, b) => b.lines - a.lines);
}

export function architectureReport(): ArchitectureReport {
  const files = sourceFiles();
  const lineCounts = files.map((file) => ({ file, lines: readFileSync(join(repoRoot, file), 'utf8').split('\n').length - 1 }));
  const bareErrors = files.filter((f) => !isAssembly(f)).flatMap((file) => readFileSync(join(repoRoot, file), 'utf8').split('\n')
    .flatMap((line, i) => (/\bnew Error\(/.test(line) ? [`${file}:${i + 1}`] : [])));
  return {
    folderLoops: loopsOf(folderEdges(files)),
    longFunctions: longFunctions(files, 100),
    longFiles: lineCounts.filter((f) => f.lines > 400).sort((a, b) => b.lines - a.lines),
    bareErrors,
  };
}

function printReport(report: ArchitectureReport): void {
  const section = (title: string, rows: readonly string[]): void => {
    console.log(`${title}: ${rows.length}`);
    for (const row of rows) console.log(`  ${row}`);
  };
  section('folder-level import loops', report.folderLoops.map((l) => `${l.folders.join(' ⇄ ')}\n    ${l.imports.join('\n    ')}`));
  section('functions over 100 lines', report.longFunctions.map((f) => `${f.lines} ${f.where}`));
  section('files over 400 lines', report.longFiles.map((f) => `${f.lines} ${f.file}`));
  section('bare Errors in compiler/ and runtime/', report.bareErrors);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) printReport(architectureReport());
