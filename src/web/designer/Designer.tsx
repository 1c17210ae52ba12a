/**
 * The process designer: the deployed processes and their versions on the left; in the middle a
 * draft in the Camunda 8 modeler (or a version read-only, or a comparison of two versions); on
 * the right the properties panel, the procedure's catalog entry or the list of changes; below,
 * the problems the live lint and the last deployment found.
 *
 * A draft has a second tab, "Biểu mẫu" (FormsTab.tsx): the forms its user tasks link, in the form-js editor.
 *
 * Modes: 'draft' — editable, deployable, based on a version (or new); 'view' — one deployed
 * version in the read-only viewer; 'compare' — version B in the viewer with its changes from A
 * marked. Leaving a draft with changes not deployed asks first (in the page and on unload:
 * leave-guard.ts).
 *
 * The three modes and the two tabs share one modeler's lifecycle and one draft's state (lint,
 * deployment); the panels, the sidebar, the forms tab, the controls and the leave guard are files
 * of their own.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, catalog, engine, type CatalogEntry, type ProcessDefinition } from '../shared/api';
import { compareXml, type Change } from './diff';
import { createLinter, deployReports, type Report } from './lint';
import { afterRender, createModeler, createViewer, ensureExecutionPlatform, fitBesidePalette, mainProcess, newDiagramXml, paletteWidth } from './modeler';
import { CatalogPanel, ChangesPanel, DetailsPanel, ProblemsPanel } from './Panels';
import { BannerBar, TabButton, VersionSelect, ViewTabs, type Banner, type Tab, type View } from './controls';
import { FormsTab, useCanvasTabs } from './FormsTab';
import { groupDefinitions, Sidebar, type ProcessGroup } from './Sidebar';
import { useLeaveGuard } from './leave-guard';

type Mode = 'draft' | 'view' | 'compare';

interface Current {
  processId: string;
  mode: Mode;
  /** The deployed version a draft started from, or the version viewed / compared to. */
  version: number | null;
  /** Compare: the older version. */
  from?: number;
}

export function Designer(props: { initialProcessId: string | null }) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<HTMLDivElement>(null);
  const propsRef = useRef<HTMLDivElement>(null);
  const modeler = useRef<any>(null);
  const viewer = useRef<any>(null);
  const linter = useRef<ReturnType<typeof createLinter> | null>(null);
  const lintTimer = useRef<number | undefined>(undefined);
  const deployProblems = useRef<Report[]>([]);
  const { dirty, markDirty, mayLeave } = useLeaveGuard();

  const [groups, setGroups] = useState<ProcessGroup[]>([]);
  const [current, setCurrent] = useState<Current | null>(null);
  const [reports, setReports] = useState<Report[]>([]);
  const [entry, setEntry] = useState<CatalogEntry | null | 'none'>(null);
  const [tab, setTab] = useState<Tab>('properties');
  const [banner, setBanner] = useState<Banner | null>(null);
  const [busy, setBusy] = useState(false);
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [picked, setPicked] = useState<any>(null);
  const [compareFrom, setCompareFrom] = useState<number | ''>('');
  const [compareTo, setCompareTo] = useState<number | ''>('');
  const [view, setView] = useState<View>('diagram');
  /** Counts the draft's changes: the forms tab reads the user tasks' links again. */
  const [revision, setRevision] = useState(0);

  const refreshDefinitions = useCallback(async () => {
    const page = await engine.definitions();
    const g = groupDefinitions(page.items);
    setGroups(g);
    return g;
  }, []);

  /** Lints the draft now: Camunda's rules and the catalog's, plus what the last deploy refused. */
  const runLint = useCallback(async () => {
    const m = modeler.current;
    if (!m || !linter.current) return;
    const found = await linter.current.lint(m.getDefinitions());
    const all = [...deployProblems.current, ...found];
    m.get('linting').setErrors(all);
    setReports(all);
  }, []);

  // The modeler and the viewer live as long as the page.
  useEffect(() => {
    const m = createModeler(canvasRef.current!, propsRef.current!);
    modeler.current = m;
    viewer.current = createViewer(viewerRef.current!);
    m.on('commandStack.changed', () => {
      markDirty(true);
      setRevision((r) => r + 1);
      deployProblems.current = [];
      window.clearTimeout(lintTimer.current);
      lintTimer.current = window.setTimeout(() => void runLint(), 250);
    });
    viewer.current.on('element.click', (e: any) => setPicked(e.element?.type === 'label' ? e.element.labelTarget : e.element));
    catalog.elementTemplates().then(
      // set(), not the loader: the agency step is a job-worker user task, which the bundled schema only
      // accepts with a zeebe:userTask binding (docs/pages.md); the loader would drop it silently.
      (templates) => m.get('elementTemplates').set(templates),
      () => setBanner({ kind: 'error', text: 'Không tải được mẫu phần tử (element templates).' }),
    );
    void (async () => {
      const g = await refreshDefinitions();
      const wanted = props.initialProcessId ? g.find((x) => x.id === props.initialProcessId) : undefined;
      if (wanted) await openDraft(wanted, wanted.versions[0], true);
      else if (props.initialProcessId) setBanner({ kind: 'error', text: `Không có quy trình '${props.initialProcessId}'.` });
    })().catch(showError);
    return () => {
      m.destroy();
      viewer.current.destroy();
    };
  }, []);

  function showError(e: unknown) {
    if (e instanceof ApiError && e.status === 401) return;
    setBanner({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
  }

  async function loadCatalog(processId: string) {
    setEntry(null);
    let found: CatalogEntry | 'none' = 'none';
    try {
      found = await catalog.byProcess(processId);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    setEntry(found);
    linter.current = createLinter(found === 'none' ? null : found.version);
  }

  async function importDraft(xml: string, processId: string, version: number | null) {
    const m = modeler.current;
    setCurrent((c) => (c ? { ...c, mode: 'draft' } : c));
    await afterRender();
    await m.importXML(xml);
    ensureExecutionPlatform(m);
    fitBesidePalette(m.get('canvas'), paletteWidth(canvasRef.current));
    performance.mark('lt-diagram-ready'); // bench/designer-load reads it
    deployProblems.current = [];
    markDirty(false);
    setRevision((r) => r + 1);
    setCurrent({ processId, mode: 'draft', version });
    setTab('properties');
    setPicked(null);
    history.replaceState(null, '', `/designer/${encodeURIComponent(processId)}`);
    await loadCatalog(processId);
    await runLint();
    performance.mark('lt-lint-done');
  }

  async function openDraft(group: ProcessGroup, version: ProcessDefinition, initial = false) {
    if (!initial && !mayLeave()) return;
    setBusy(true);
    try {
      const xml = await engine.xml(version.processDefinitionKey);
      await importDraft(xml, group.id, version.version);
      setBanner({ kind: 'info', text: `Đang sửa bản nháp dựa trên phiên bản ${version.version} của ${group.id}.` });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  }

  async function openView(group: ProcessGroup, version: ProcessDefinition) {
    if (!mayLeave()) return;
    setBusy(true);
    try {
      const xml = await engine.xml(version.processDefinitionKey);
      markDirty(false);
      setCurrent({ processId: group.id, mode: 'view', version: version.version });
      await afterRender();
      await viewer.current.importXML(xml);
      fitBesidePalette(viewer.current.get('canvas'));
      setTab('details');
      setPicked(null);
      setBanner({ kind: 'info', text: `Phiên bản ${version.version} của ${group.id} — chỉ xem.` });
      await loadCatalog(group.id);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  }

  async function compare(from: number, to: number) {
    const group = groups.find((g) => g.id === current?.processId);
    const a = group?.versions.find((v) => v.version === from);
    const b = group?.versions.find((v) => v.version === to);
    if (!group || !a || !b) return;
    if (!mayLeave()) return;
    setBusy(true);
    setChanges(null);
    try {
      const [xa, xb] = await Promise.all([engine.xml(a.processDefinitionKey), engine.xml(b.processDefinitionKey)]);
      markDirty(false);
      setCurrent({ processId: group.id, mode: 'compare', version: to, from });
      await afterRender();
      await viewer.current.importXML(xb);
      const canvas = viewer.current.get('canvas');
      fitBesidePalette(canvas);
      const found = await compareXml(viewer.current.get('moddle'), xa, xb);
      const registry = viewer.current.get('elementRegistry');
      for (const c of found) if (c.kind !== 'removed' && registry.get(c.id)) canvas.addMarker(c.id, `lt-diff-${c.kind}`);
      setChanges(found);
      setTab('changes');
      setBanner({ kind: 'info', text: `So sánh phiên bản ${from} và ${to} của ${group.id}.` });
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  }

  async function deploy() {
    if (!current || current.mode !== 'draft') return;
    setBusy(true);
    setBanner(null);
    try {
      const { xml } = await modeler.current.saveXML({ format: true });
      const processId = mainProcess(modeler.current.getDefinitions())?.id ?? current.processId;
      try {
        const res = await engine.deploy(`${processId}.bpmn`, xml);
        const processes = res.deployments.flatMap((x) => ('processDefinition' in x ? [x.processDefinition] : []));
        const d = processes.find((x) => x.processDefinitionId === processId) ?? processes[0];
        const v = d?.processDefinitionVersion ?? null;
        deployProblems.current = deployReports(res.warnings, processId);
        markDirty(false);
        setCurrent({ processId, mode: 'draft', version: v });
        history.replaceState(null, '', `/designer/${encodeURIComponent(processId)}`);
        await refreshDefinitions();
        setBanner({ kind: 'ok', text: `Đã triển khai ${processId}: phiên bản ${v}.` });
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 400) throw e;
        deployProblems.current = deployReports(e.details?.problems, processId);
        setBanner({ kind: 'error', text: `Không triển khai được: ${e.message}` });
      }
      await runLint();
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  }

  async function download() {
    const m = current?.mode === 'draft' ? modeler.current : viewer.current;
    const { xml } = await m.saveXML({ format: true });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    a.download = `${current?.processId ?? 'process'}${current?.mode === 'draft' ? '' : `-v${current?.version}`}.bpmn`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  async function openFile(file: File) {
    if (!mayLeave()) return;
    try {
      const xml = await file.text();
      const { rootElement } = await modeler.current.get('moddle').fromXML(xml);
      const id = mainProcess(rootElement)?.id;
      if (!id) throw new Error('Tệp không có quy trình BPMN nào.');
      await importDraft(xml, id, null);
      setBanner({ kind: 'info', text: `Đã mở tệp ${file.name} (quy trình ${id}).` });
    } catch (e) {
      showError(e);
    }
  }

  async function newDiagram(id: string, name: string) {
    if (!mayLeave()) return;
    try {
      await importDraft(newDiagramXml(id, name), id, null);
      setBanner({ kind: 'info', text: `Quy trình mới ${id}: vẽ rồi triển khai.` });
    } catch (e) {
      showError(e);
    }
  }

  function pickElement(id: string) {
    const target = current?.mode === 'draft' ? modeler.current : viewer.current;
    const el = target?.get('elementRegistry').get(id);
    if (!el) return;
    target.get('canvas').scrollToElement(el);
    if (current?.mode === 'draft') target.get('selection').select(el);
    else setPicked(el);
  }

  const group = groups.find((g) => g.id === current?.processId);
  const versions = group?.versions.map((v) => v.version) ?? [];
  useEffect(() => {
    if (versions.length >= 2) {
      setCompareTo(versions[0]);
      setCompareFrom(versions[1]);
    }
  }, [group?.versions.length, current?.processId]);

  // A hidden canvas has no size: show it again, then let the diagram fit.
  const switchView = useCanvasTabs(current?.mode === 'draft' ? modeler.current : current ? viewer.current : null, current?.mode, view, setView);

  const mode = current?.mode ?? 'draft';
  // Forms belong to a draft: a deployed version or a comparison shows the diagram only.
  const shown: View = mode === 'draft' && current ? view : 'diagram';
  const bannerBar = <BannerBar banner={banner} onClose={() => setBanner(null)} />;
  const status = !current
    ? 'Chọn một quy trình bên trái, hoặc tạo quy trình mới.'
    : mode === 'draft'
      ? `Bản nháp ${current.processId}${current.version ? ` — dựa trên phiên bản ${current.version}` : ' — chưa triển khai'}${dirty ? ' · có thay đổi chưa triển khai' : ''}`
      : mode === 'view'
        ? `${current.processId} — phiên bản ${current.version} (chỉ xem)`
        : `${current.processId} — so sánh phiên bản ${current.from} → ${current.version}`;

  return (
    <div class={`lt-designer${shown === 'forms' ? ' lt-designer-forms' : ''}`} aria-busy={busy}>
      <Sidebar
        hidden={shown === 'forms'}
        groups={groups}
        currentId={current?.processId ?? null}
        onOpenDraft={(g, v) => void openDraft(g, v)}
        onView={(g, v) => void openView(g, v)}
        onNew={(id, name) => void newDiagram(id, name)}
        onFile={(file) => void openFile(file)}
      />
      <section class="lt-d-work">
        {mode === 'draft' && current && <ViewTabs view={view} set={switchView} />}
        <div class="lt-d-panel" id="lt-d-panel-diagram" role="tabpanel" aria-labelledby="lt-d-tab-diagram" hidden={shown !== 'diagram'}>
          <div class="lt-d-toolbar" role="toolbar" aria-label="Thao tác với quy trình">
            <span class="lt-d-status" data-testid="designer-status" title={status}>
              {status}
            </span>
            {versions.length >= 2 && (
              <span class="lt-d-compare">
                <VersionSelect label="So sánh" aria="Phiên bản cũ" versions={versions} value={compareFrom} onChange={setCompareFrom} />
                <VersionSelect label="với" aria="Phiên bản mới" versions={versions} value={compareTo} onChange={setCompareTo} />
                <button
                  type="button"
                  disabled={busy || compareFrom === '' || compareTo === '' || compareFrom === compareTo}
                  onClick={() => void compare(Number(compareFrom), Number(compareTo))}
                >
                  So sánh phiên bản
                </button>
              </span>
            )}
            <button type="button" disabled={!current} onClick={() => void download()}>
              Tải xuống .bpmn
            </button>
            {mode !== 'draft' && group && current?.version && (
              <button
                type="button"
                onClick={() =>
                  void openDraft(
                    group,
                    group.versions.find((v) => v.version === current.version)!,
                  )
                }
              >
                Sửa từ phiên bản này
              </button>
            )}
            {mode === 'draft' && (
              <button type="button" class="lt-button" disabled={busy || !current} onClick={() => void deploy()}>
                Triển khai
              </button>
            )}
          </div>
          {shown === 'diagram' && bannerBar}
          <div class="lt-d-canvas-wrap">
            <div ref={canvasRef} class="lt-d-canvas" hidden={mode !== 'draft'} data-testid="modeler" />
            <div ref={viewerRef} class="lt-d-canvas" hidden={mode === 'draft'} data-testid="viewer" />
          </div>
          {mode === 'draft' && <ProblemsPanel reports={reports} onPick={(r) => modeler.current.get('linting').showError(r)} />}
        </div>
        <div class="lt-d-panel" id="lt-d-panel-forms" role="tabpanel" aria-labelledby="lt-d-tab-forms" hidden={shown !== 'forms'}>
          {current && (
            <FormsTab active={shown === 'forms'} processId={current.processId} revision={revision} modeler={modeler.current} onBanner={setBanner}>
              {shown === 'forms' && bannerBar}
            </FormsTab>
          )}
        </div>
      </section>
      <aside class="lt-d-side" hidden={shown === 'forms'}>
        <div class="lt-d-tabs" role="tablist">
          {mode === 'draft' && <TabButton id="properties" tab={tab} set={setTab} label="Thuộc tính" />}
          {mode === 'view' && <TabButton id="details" tab={tab} set={setTab} label="Chi tiết" />}
          {mode === 'compare' && <TabButton id="changes" tab={tab} set={setTab} label="Thay đổi" />}
          <TabButton id="catalog" tab={tab} set={setTab} label="Thủ tục" />
        </div>
        <div ref={propsRef} class="lt-d-properties" hidden={!(mode === 'draft' && tab === 'properties')} />
        {tab === 'catalog' && <CatalogPanel entry={entry} onPickElement={pickElement} />}
        {mode === 'compare' && tab === 'changes' && <ChangesPanel from={current!.from!} to={current!.version!} changes={changes} onPick={pickElement} />}
        {mode === 'view' && tab === 'details' && <DetailsPanel element={picked} />}
      </aside>
    </div>
  );
}
