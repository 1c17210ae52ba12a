// The bpmn.io libraries ship JavaScript without declarations for these entry points.
declare module 'camunda-bpmn-js/lib/camunda-cloud/Modeler';
declare module 'camunda-bpmn-js/lib/camunda-cloud/NavigatedViewer';
declare module '@camunda/linting';
declare module '@camunda/linting/modeler';
declare module 'bpmnlint/lib/resolver/static-resolver';
declare module 'bpmn-js-differ';
declare module 'bpmn-moddle';
declare module 'zeebe-bpmn-moddle/resources/zeebe.json';
declare module '*.css';
