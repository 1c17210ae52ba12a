/**
 * The shipped catalog with one change, for the tests of called processes: in the birth group, the
 * social-insurance step (`healthInsuranceCard`) becomes a call activity of the same id calling a
 * process of its own (`birth-health-insurance-card`), whose one user task is the step as shipped —
 * same id, form, candidate group and due date — so the catalog, the inbox and the SLA clocks are
 * unchanged while the step runs in a called instance (procedure.json lists it in
 * `calledProcesses`, so the procedure lint finds the step there). Written to a temporary folder,
 * which the caller removes.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CALLED_PROCESS_ID = 'birth-health-insurance-card';

export function catalogWithCalledStep(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-called-'));
  cpSync(join(process.cwd(), 'processes'), dir, { recursive: true });
  const file = join(dir, 'birth-registration-group', 'process.bpmn');
  const xml = readFileSync(file, 'utf8');
  const task = /<bpmn:userTask id="healthInsuranceCard"[\s\S]*?<\/bpmn:userTask>/.exec(xml)?.[0];
  if (!task) throw new Error('the birth group no longer has its healthInsuranceCard user task: update tests/support/called-step.ts');
  const name = /name="([^"]*)"/.exec(task)![1];
  const callActivity = `<bpmn:callActivity id="healthInsuranceCard" name="${name}">
      <bpmn:extensionElements>
        <zeebe:calledElement processId="${CALLED_PROCESS_ID}" propagateAllChildVariables="false" />
      </bpmn:extensionElements>
      <bpmn:incoming>toHealthInsuranceCard</bpmn:incoming>
      <bpmn:outgoing>fromHealthInsuranceCard</bpmn:outgoing>
    </bpmn:callActivity>`;
  writeFileSync(file, xml.replace(task, callActivity));
  const procedureFile = join(dir, 'birth-registration-group', 'procedure.json');
  const procedure = JSON.parse(readFileSync(procedureFile, 'utf8')) as { versions: { process: { calledProcesses?: unknown[] } }[] };
  for (const v of procedure.versions) v.process.calledProcesses = [{ bpmnProcessId: CALLED_PROCESS_ID, file: 'health-insurance-card.bpmn' }];
  writeFileSync(procedureFile, JSON.stringify(procedure, null, 2));
  const inner = task
    .replace(/<bpmn:incoming>[^<]*<\/bpmn:incoming>/, '<bpmn:incoming>toCard</bpmn:incoming>')
    .replace(/<bpmn:outgoing>[^<]*<\/bpmn:outgoing>/, '<bpmn:outgoing>fromCard</bpmn:outgoing>');
  writeFileSync(
    join(dir, 'birth-registration-group', 'health-insurance-card.bpmn'),
    `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="${CALLED_PROCESS_ID}-definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${CALLED_PROCESS_ID}" name="Cấp thẻ BHYT cho trẻ em dưới 6 tuổi" isExecutable="true">
    <bpmn:startEvent id="cardRequested" name="Nhận thông tin từ hộ tịch"><bpmn:outgoing>toCard</bpmn:outgoing></bpmn:startEvent>
    ${inner}
    <bpmn:endEvent id="cardIssued" name="Đã cấp thẻ"><bpmn:incoming>fromCard</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="toCard" sourceRef="cardRequested" targetRef="healthInsuranceCard" />
    <bpmn:sequenceFlow id="fromCard" sourceRef="healthInsuranceCard" targetRef="cardIssued" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_${CALLED_PROCESS_ID}">
    <bpmndi:BPMNPlane id="BPMNPlane_${CALLED_PROCESS_ID}" bpmnElement="${CALLED_PROCESS_ID}">
      <bpmndi:BPMNShape id="cardRequested_di" bpmnElement="cardRequested"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="healthInsuranceCard_di" bpmnElement="healthInsuranceCard"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="cardIssued_di" bpmnElement="cardIssued"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="toCard_di" bpmnElement="toCard"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="fromCard_di" bpmnElement="fromCard"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`,
  );
  return dir;
}
