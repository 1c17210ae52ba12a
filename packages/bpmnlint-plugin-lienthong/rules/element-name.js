/**
 * Every flow node has a name, in Vietnamese with diacritics: it is what officials read in their
 * inbox, on the process control slip (form 06) and in the designer. Needs no procedure version:
 * without one it checks every process of the file.
 */
'use strict';

const { is } = require('../lib/moddle');
const { isOtherProcess } = require('../lib/context');

/** Letters only Vietnamese writing uses (Latin-1 and Latin Extended Additional ranges). */
const VIETNAMESE_LETTER = /[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]/;

/** @type {import('../index').RuleFactory} */
module.exports = function elementName(config) {
  return {
    check(node, reporter) {
      if (isOtherProcess(node, config)) return false;
      if (!is(node, 'bpmn:FlowNode')) return;
      const name = typeof node.name === 'string' ? node.name.trim() : '';
      if (!name) reporter.report(node.id, 'phần tử phải có tên tiếng Việt (the element needs a Vietnamese name)');
      else if (!VIETNAMESE_LETTER.test(name.normalize('NFC')))
        reporter.report(node.id, `tên '${name}' không có dấu tiếng Việt (the name has no Vietnamese diacritics)`);
    },
  };
};
