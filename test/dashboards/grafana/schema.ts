import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Grafana's published dashboard schema, read from the @grafana/schema package itself: its
 * generated type declarations (the dashboard model, and each panel plugin's Options and
 * FieldConfig) turned into a runtime check of JSON values with the TypeScript checker. A value
 * passes when it has every required field, no field the type does not declare (unless the type
 * takes any key), and each field of the declared type (unions, literals, enums, arrays, records).
 */
const root = dirname(createRequire(import.meta.url).resolve('@grafana/schema/package.json'));
const types = join(root, 'dist', 'types', 'raw');
const dashboardFile = join(types, 'dashboard', 'x', 'types.gen.d.ts');
const panelFile = (type: string) => join(types, 'composable', type, 'panelcfg', 'x', 'types.gen.d.ts');

/** Panel plugins the package describes (each a panelcfg), plus the dashboard's own row. */
export const PANEL_TYPES: readonly string[] = readdirSync(join(types, 'composable'))
  .filter((d) => existsSync(panelFile(d)))
  .sort();

const program = ts.createProgram([dashboardFile, ...PANEL_TYPES.map(panelFile)], {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
});
const checker = program.getTypeChecker();

function exported(file: string, name: string): ts.Type | null {
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`@grafana/schema has no ${file}`);
  const mod = checker.getSymbolAtLocation(sf);
  const sym = mod && checker.getExportsOfModule(mod).find((s) => s.name === name);
  return sym ? checker.getDeclaredTypeOfSymbol(sym) : null;
}

export function dashboardType(name: string): ts.Type {
  const t = exported(dashboardFile, name);
  if (!t) throw new Error(`@grafana/schema declares no dashboard type ${name}`);
  return t;
}

/** A panel plugin's `Options` (or `FieldConfig`), or null when the plugin declares none. */
export const panelType = (panel: string, name: 'Options' | 'FieldConfig') =>
  PANEL_TYPES.includes(panel) ? exported(panelFile(panel), name) : null;

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems of `value` against `type`, one line each (`path: what is wrong`); empty when it conforms. */
export function conform(value: unknown, type: ts.Type, path = '$'): string[] {
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
  if (type.isUnion()) {
    let best: string[] | null = null;
    for (const member of type.types) {
      if (value !== undefined && member.flags & ts.TypeFlags.Undefined) continue;
      const errs = conform(value, member, path);
      if (!errs.length) return [];
      if (!best || errs.length < best.length) best = errs;
    }
    return best?.length ? best : [`${path}: ${JSON.stringify(value)} is not ${checker.typeToString(type)}`];
  }
  const fail = [`${path}: ${JSON.stringify(value)?.slice(0, 80)} is not ${checker.typeToString(type)}`];
  if (type.isStringLiteral()) return value === type.value ? [] : fail;
  if (type.isNumberLiteral()) return value === type.value ? [] : fail;
  if (f & ts.TypeFlags.BooleanLiteral)
    return value === ((type as { intrinsicName?: string }).intrinsicName === 'true') ? [] : fail;
  if (f & ts.TypeFlags.String) return typeof value === 'string' ? [] : fail;
  if (f & ts.TypeFlags.Number) return typeof value === 'number' && Number.isFinite(value) ? [] : fail;
  if (f & ts.TypeFlags.Boolean) return typeof value === 'boolean' ? [] : fail;
  if (f & ts.TypeFlags.Null) return value === null ? [] : fail;
  if (f & ts.TypeFlags.Undefined) return value === undefined ? [] : fail;
  if (checker.isArrayType(type)) {
    if (!Array.isArray(value)) return fail;
    const [el] = checker.getTypeArguments(type as ts.TypeReference);
    return value.flatMap((v, i) => conform(v, el!, `${path}[${i}]`));
  }
  if (checker.isTupleType(type)) {
    if (!Array.isArray(value)) return fail;
    const els = checker.getTypeArguments(type as ts.TypeReference);
    return value.length !== els.length ? fail : value.flatMap((v, i) => conform(v, els[i]!, `${path}[${i}]`));
  }
  if (f & ts.TypeFlags.Object || type.isIntersection()) {
    if (!isPlain(value)) return fail;
    const out: string[] = [];
    const props = checker.getPropertiesOfType(type);
    const known = new Set(props.map((p) => p.name));
    for (const p of props) {
      const v = value[p.name];
      if (v === undefined) {
        if ((p.flags & ts.SymbolFlags.Optional) === 0)
          out.push(`${path}.${p.name}: required by ${checker.typeToString(type)} but missing`);
        continue;
      }
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      const pt = decl ? checker.getTypeOfSymbolAtLocation(p, decl) : checker.getTypeOfSymbol(p);
      if (checker.getSignaturesOfType(pt, ts.SignatureKind.Call).length) continue;
      out.push(...conform(v, pt, `${path}.${p.name}`));
    }
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    for (const k of Object.keys(value))
      if (!known.has(k)) {
        if (index) out.push(...conform(value[k], index.type, `${path}.${k}`));
        else out.push(`${path}.${k}: not a field of ${checker.typeToString(type)}`);
      }
    return out;
  }
  return [`${path}: cannot check against ${checker.typeToString(type)}`];
}
