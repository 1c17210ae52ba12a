/**
 * bpmnlint-plugin-lienthong: the rules that hold a linked procedure's BPMN against its
 * procedure.json. One implementation, run by bpmnlint's own Linter in two places: the server at
 * every deploy (src/procedures/lint) and the browser designer live (@camunda/linting).
 *
 * The procedure context arrives as each rule's bpmnlint options:
 *
 *   rules: { 'lienthong/user-task-agency': ['error', { version, called, hoursPerWorkingDay }] }
 *
 * `lintConfig(context)` builds that configuration together with the rule factories and the
 * cache of a bpmnlint StaticResolver (`rule:bpmnlint-plugin-lienthong/<rule>` → factory).
 * `configs.recommended` (for a .bpmnlintrc) carries no context: the rules that need a procedure
 * version then check nothing; element-name and user-task-due-date still check every process.
 *
 * Nothing here needs Node: it bundles for the browser as it is.
 */
'use strict';

/** The package name, as bpmnlint resolves `lienthong/<rule>` (prefixed `bpmnlint-plugin-`). */
const PLUGIN = 'bpmnlint-plugin-lienthong';

/** The rule factories, by rule name (not exported as `rules`: bpmnlint's NodeResolver reads that key as paths). */
const ruleFactories = Object.freeze({
  'user-task-agency': require('./rules/user-task-agency'),
  'agency-step-limit': require('./rules/agency-step-limit'),
  'user-task-due-date': require('./rules/user-task-due-date'),
  'statutory-total': require('./rules/statutory-total'),
  'service-task-job-type': require('./rules/service-task-job-type'),
  'message-correlation': require('./rules/message-correlation'),
  'element-name': require('./rules/element-name'),
});

/** Each rule's category: an error refuses a deployment, a warning is shown. */
const categories = Object.freeze({
  'user-task-agency': 'error',
  'agency-step-limit': 'error',
  'user-task-due-date': 'error',
  'statutory-total': 'error',
  'service-task-job-type': 'error',
  'message-correlation': 'error',
  'element-name': 'warn',
});

/** `extends: 'plugin:lienthong/recommended'`. */
const configs = {
  recommended: {
    rules: Object.fromEntries(Object.entries(categories).map(([name, category]) => [`lienthong/${name}`, category])),
  },
};

/**
 * The bpmnlint configuration that runs the rules with a procedure context, the rule factories,
 * and the cache of a bpmnlint StaticResolver that finds them.
 *
 * @param {import('./index').LienthongContext} context
 * @param {Partial<Record<string, import('./index').RuleCategory>>} [select] which rules to run
 *   and how (default: every rule, in its recommended category); 'off' leaves a rule out
 * @returns {import('./index').LintConfig}
 */
function lintConfig(context, select) {
  /** @type {Record<string, ['error' | 'warn', import('./index').LienthongContext]>} */
  const rules = {};
  /** @type {Record<string, import('./index').RuleFactory>} */
  const factories = {};
  /** @type {Record<string, import('./index').RuleFactory>} */
  const cache = {};
  for (const [name, category] of Object.entries(select || categories)) {
    const factory = /** @type {Record<string, import('./index').RuleFactory>} */ (ruleFactories)[name];
    if (!factory) throw new Error(`${PLUGIN}: no rule '${name}' (rules: ${Object.keys(ruleFactories).join(', ')})`);
    if (!category || category === 'off') continue;
    rules[`lienthong/${name}`] = [category, context];
    factories[name] = factory;
    cache[`rule:${PLUGIN}/${name}`] = factory;
  }
  return { config: { rules }, rules: factories, cache };
}

module.exports = { PLUGIN, configs, categories, ruleFactories, lintConfig };
