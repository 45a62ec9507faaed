/**
 * The compiler pipeline: parse (fast, positions later) → structural validation (ajv) → semantic
 * checks across files → lowering to plans. Every problem is collected; nothing throws on bad input.
 */
import { authoredSends } from './sends.js';
import { KIND_NAMES, type Journey, type Kind, type Segment } from '../dsl/index.js';
import type { FieldType, JourneyPlan } from '../ir/index.js';
import { type Diagnostic, type PendingDiagnostic, sortDiagnostics } from './diagnostic.js';
import { checkGraph } from './graph.js';
import { checkJourneyTemplates, checkSmsOptOut, checkTemplate, type TemplateInfo } from './checks/templates.js';
import { checkPolicy } from './checks/policy.js';
import { checkSmsExamples, type ExampleRecord, type SmsExampleOptions } from './checks/sms-examples.js';
import { checkProjectCel, checkSteps } from './checks/steps.js';
import { checkTiming } from './checks/timing.js';
import { lowerJourney } from './lower.js';
import { parseSource, yamlDiagnostics } from './parse.js';
import { addResource } from './add-resource.js';
import {
  DEFAULT_ROOT,
  declaredAttributes,
  emptyProject,
  inProject,
  type Project,
  type Resource,
} from '../project/project.js';
import { resolveDiagnostics, type ParsedFile } from './resolve.js';
import { dropRepeatedStepIdErrors, salvageJourney } from './salvage.js';
import type { SourceFile } from './sources.js';
import { validateStructure } from './structural.js';
import { didYouMean } from '../core/suggest.js';

export interface CompileResult {
  diagnostics: Diagnostic[];
  /** Plans of the journeys that compiled without errors (in themselves and what they use). */
  plans: Map<string, JourneyPlan>;
  project: Project;
  files: ParsedFile[];
}

export interface CompileOptions {
  /**
   * The project's folder as hints should name it ("define it under energy/templates/"), relative to
   * the working directory ('' for the directory itself). Default: journeys.
   */
  root?: string;
  /** Example records to render every SMS template with (`settle validate`: SMS_TOO_LONG, SMS_NOT_GSM7). */
  smsExamples?: { records: ExampleRecord[] } & SmsExampleOptions;
}

export function compileSources(sources: SourceFile[], options: CompileOptions = {}): CompileResult {
  const project = emptyProject(options.root);
  const pending: PendingDiagnostic[] = [];
  const direct: Diagnostic[] = [];
  const files: ParsedFile[] = [];

  for (const src of sources) {
    const parsed = parseSource(src);
    if (!parsed.ok) {
      direct.push(...yamlDiagnostics(src.path, parsed.errors));
      files.push({ source: src });
      // Register what the broken file seems to define (as invalid), so references to it from
      // other files are not reported too: the YAML error is the one problem to fix.
      const id = parsed.identity;
      // A broken Attributes document is registered too: any attribute may be declared in it.
      if (id && (KIND_NAMES as string[]).includes(id.kind)) {
        addResource(project, id.kind as Kind, src.path, { metadata: { name: id.name } }, false);
      }
      continue;
    }
    files.push({ source: src, value: parsed.value });
    const structure = validateStructure(src.path, parsed.value);
    const { kind } = structure;
    const diagnostics =
      kind === 'Journey' ? dropRepeatedStepIdErrors(parsed.value, structure.diagnostics) : structure.diagnostics;
    pending.push(...diagnostics);
    if (kind) {
      const dup = addResource(project, kind, src.path, parsed.value, diagnostics.length === 0);
      if (dup) pending.push(dup);
      else if (kind === 'Journey' && diagnostics.length > 0) {
        const res = [...project.journeys.values()].find((r) => r.file === src.path);
        const salvage = res && salvageJourney(parsed.value, diagnostics);
        if (res && salvage) res.salvage = salvage;
      }
    }
  }

  const templateInfos = checkAll(project, pending);
  if (options.smsExamples) checkSmsExamples(project, options.smsExamples.records, options.smsExamples, pending);
  const plans = lowerAll(project, pending, templateInfos, files);
  for (const d of pending) if (d.hint !== undefined) d.hint = relocateHint(d.hint, project);
  const diagnostics = dedupe([...direct, ...resolveDiagnostics(pending, files)]);
  return { diagnostics: sortDiagnostics(diagnostics), plans, project, files };
}

interface JourneyFacts {
  attributesUsed: Set<string>;
}
const journeyFacts = new WeakMap<Resource<Journey>, JourneyFacts>();

function checkAll(project: Project, out: PendingDiagnostic[]): Map<string, TemplateInfo> {
  for (const p of project.policies.values()) if (p.valid) checkPolicy(p, out);
  const infos = new Map<string, TemplateInfo>();
  for (const [name, t] of project.templates) if (t.valid) infos.set(name, checkTemplate(t, project, out));
  checkSegments(project, out);

  const smsKeywords = new Map<string, Set<Record<string, string> | undefined>>();
  for (const res of project.journeys.values()) {
    // A journey with schema errors inside some steps is checked without them (salvage.ts).
    const view = res.valid ? { doc: res.doc, brokenSteps: new Set<number>() } : res.salvage;
    if (!view) continue;
    const { doc } = view;
    const facts: JourneyFacts = { attributesUsed: new Set() };
    journeyFacts.set(res, facts);
    out.push(...checkGraph(res.file, doc, view.brokenSteps));
    checkSteps({ file: res.file, journey: doc, project, out, attributesUsed: facts.attributesUsed });
    checkJourneyTemplates(res.file, doc, project, infos, out);
    const policies = journeyPolicyNames(doc).map((n) => project.policies.get(n));
    for (const policy of policies) if (policy?.valid) checkTiming(res.file, doc, policy.doc, out);
    for (const s of authoredSends(doc)) {
      const set = smsKeywords.get(s.template) ?? new Set();
      for (const policy of policies) set.add(policy?.valid ? policy.doc.spec.smsOptOutKeyword : undefined);
      smsKeywords.set(s.template, set);
      for (const a of infos.get(s.template)?.attributesUsed ?? []) facts.attributesUsed.add(a);
    }
  }
  checkSmsOptOut(validOnly(project), smsKeywords, out);
  checkUnusedPolicies(project, out);
  return infos;
}

/** The policies a journey may apply: its `policy`, then those of `policyByCountry` (distinct). */
export function journeyPolicyNames(doc: Journey): string[] {
  return [...new Set([doc.spec.policy, ...Object.values(doc.spec.policyByCountry ?? {})])];
}

/** UNUSED_POLICY (warning): a policy no journey applies, as `policy` or in `policyByCountry`. */
function checkUnusedPolicies(project: Project, out: PendingDiagnostic[]): void {
  const used = new Set<string>();
  for (const res of project.journeys.values()) {
    const doc = res.valid ? res.doc : res.salvage?.doc;
    if (!doc) return; // a journey we cannot read may use any policy
    for (const n of journeyPolicyNames(doc)) used.add(n);
  }
  // A journey naming an unknown policy may mean one of these (UNKNOWN_POLICY says so already).
  for (const n of used) if (!project.policies.has(n)) return;
  for (const [name, res] of project.policies) {
    if (used.has(name) || !res.valid) continue;
    out.push({
      file: res.file,
      severity: 'warning',
      code: 'UNUSED_POLICY',
      message: `policy \`${name}\` is used by no journey`,
      at: ['metadata', 'name'],
      hint: 'name it in a journey’s `policy` or `policyByCountry` (e.g. US: ' + name + '), or remove it',
    });
  }
}

function validOnly(project: Project): Project {
  const templates = new Map([...project.templates].filter(([, r]) => r.valid));
  return { ...project, templates };
}

function checkSegments(project: Project, out: PendingDiagnostic[]): void {
  const byPriority = new Map<number, Resource<Segment>>();
  for (const seg of project.segments.values()) {
    if (!seg.valid) continue;
    const { file, doc } = seg;
    if (!project.journeys.has(doc.spec.journey)) {
      out.push({
        file,
        severity: 'error',
        code: 'UNKNOWN_JOURNEY',
        message: `no Journey named \`${doc.spec.journey}\``,
        at: ['spec', 'journey'],
        hint: didYouMean(doc.spec.journey, project.journeys.keys(), `define it in ${inProject(project, '')}`),
      });
    }
    const cel = checkProjectCel(project, doc.spec.when, 'bool');
    if (cel && !cel.ok) {
      out.push({
        file,
        severity: 'error',
        code: cel.kind === 'syntax' ? 'CEL_SYNTAX' : 'CEL_TYPE',
        message: cel.message,
        at: ['spec', 'when'],
        ...(cel.offset !== undefined && { offsetInValue: cel.offset }),
        ...(cel.hint !== undefined && { hint: cel.hint }),
      });
    }
    const tie = byPriority.get(doc.spec.priority);
    if (tie) {
      out.push({
        file,
        severity: 'warning',
        code: 'SEGMENT_PRIORITY_TIE',
        message: `segment \`${doc.metadata.name}\` has the same priority (${doc.spec.priority}) as \`${tie.doc.metadata.name}\` (${tie.file})`,
        at: ['spec', 'priority'],
        hint: 'ties are broken by name; give each segment its own priority to make the order explicit',
      });
    } else byPriority.set(doc.spec.priority, seg);
  }
}

function lowerAll(
  project: Project,
  pending: PendingDiagnostic[],
  infos: Map<string, TemplateInfo>,
  files: ParsedFile[],
): Map<string, JourneyPlan> {
  const errorFiles = new Set(pending.filter((d) => d.severity === 'error').map((d) => d.file));
  const text = new Map(files.map((f) => [f.source.path, f.source.text]));
  const attributes = declaredAttributes(project);
  const attributesOk = [...project.attributes.values()].every((r) => !errorFiles.has(r.file));
  const plans = new Map<string, JourneyPlan>();
  for (const [name, res] of project.journeys) {
    if (!res.valid || errorFiles.has(res.file) || !attributesOk) continue;
    const policies = journeyPolicyNames(res.doc).map((n) => project.policies.get(n));
    if (policies.some((policy) => !policy?.valid || errorFiles.has(policy.file))) continue;
    const templates = authoredSends(res.doc).map((s) => s.template);
    if (templates.some((t) => !infos.has(t) || errorFiles.has(project.templates.get(t)!.file))) continue;
    const used: Record<string, FieldType> = {};
    for (const a of [...(journeyFacts.get(res)?.attributesUsed ?? [])].sort())
      if (attributes[a]) used[a] = attributes[a];
    const lines = stepLines(text.get(res.file) ?? '', res.doc);
    plans.set(
      name,
      lowerJourney(res.doc, res.file, project, used, lines, (t) => infos.get(t)?.reads),
    );
  }
  return plans;
}

/** Line of each step's `id:` (a cheap scan: plans record where a step was written without a positional parse). */
function stepLines(text: string, journey: Journey): (i: number) => number {
  const lines = text.split('\n');
  return (i) => {
    const id = journey.spec.steps[i]!.id;
    const re = new RegExp(`(^|[\\s{,-])id:\\s*['"]?${id}['"]?\\s*($|[,}#])`);
    const n = lines.findIndex((l) => re.test(l));
    return n >= 0 ? n + 1 : 1;
  };
}

/**
 * The checks that know nothing of projects (structure, CEL in src/core, Liquid in src/templates)
 * name the default folder (`journeys/attributes.yaml`): point their hints at this project's.
 */
function relocateHint(hint: string, project: Project): string {
  if (project.root === DEFAULT_ROOT) return hint;
  return hint.replace(DEFAULT_FOLDER, (_m, before: string) => before + inProject(project, ''));
}
const DEFAULT_FOLDER = new RegExp(`(^|[\\s\`'"(])${DEFAULT_ROOT}/`, 'g');

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
