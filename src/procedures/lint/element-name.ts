/**
 * Every flow node has a name, in Vietnamese with diacritics: it is what officials read in their
 * inbox, on the process control slip (form 06) and in the designer.
 */
import type { LintContext, Rule } from './types.js';
import { is } from './moddle.js';

/** Letters only Vietnamese writing uses (Latin-1 and Latin Extended Additional ranges). */
const VIETNAMESE_LETTER = /[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]/;

export default function elementName(_ctx: LintContext): Rule {
  return {
    check(node, reporter) {
      if (!is(node, 'bpmn:FlowNode')) return;
      const name = typeof node.name === 'string' ? node.name.trim() : '';
      if (!name) reporter.report(node.id, 'phần tử phải có tên tiếng Việt (the element needs a Vietnamese name)');
      else if (!VIETNAMESE_LETTER.test(name.normalize('NFC'))) reporter.report(node.id, `tên '${name}' không có dấu tiếng Việt (the name has no Vietnamese diacritics)`);
    },
  };
}
