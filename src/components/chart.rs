//! One chart: a scalar tag across the drawn runs. It loads the runs' series, hands them to
//! core's chart pipeline (`transform::chart`: x values, smoothing, grouping, downsampling,
//! the outlier range and the CSV, all of one prepared value) and draws the frame.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use runlens_core::transform::chart::{
    prepare, ChartRequest, ChartRun as CoreRun, Grouping, Prepared, XSource, DEFAULT_BUCKETS,
};

use crate::browser::download::download;
use crate::hooks::contexts::Services;
use crate::hooks::visible::use_visible;
use crate::hooks::{use_services, use_view, use_workspace};
use crate::plot::webgl::{self, gl_budget};
use crate::plot::{self, palette, ChartSpec};
use crate::state::{ChartSettings, ViewAction};

#[derive(Clone, PartialEq)]
pub struct ChartRun {
    pub id: String,
    pub name: String,
    pub color: String,
    /// The run's group when runs are grouped.
    pub group: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub tag: AttrValue,
    pub runs: Rc<Vec<ChartRun>>,
}

/// What a [`Prepared`] was made from: everything a chart draws from but the zoomed range.
#[derive(Clone, PartialEq)]
struct PrepKey {
    tag: AttrValue,
    runs: Rc<Vec<ChartRun>>,
    settings: ChartSettings,
    revision: u64,
}

impl PrepKey {
    fn new(tag: &AttrValue, runs: &Rc<Vec<ChartRun>>, cv: &ChartSettings, revision: u64) -> Self {
        PrepKey {
            tag: tag.clone(),
            runs: runs.clone(),
            // The zoom only re-frames.
            settings: ChartSettings {
                x_range: None,
                ..cv.clone()
            },
            revision,
        }
    }
}

/// The chart's prepared value, kept while only the zoom changes: a zoom frames it anew
/// instead of smoothing every point again, and its CSV is the value drawn.
type PreparedCell = Rc<RefCell<Option<(PrepKey, Rc<Prepared>)>>>;

#[function_component(Chart)]
pub fn chart(props: &Props) -> Html {
    let services = use_services();
    let view = use_view();
    let revision = use_workspace().revision;
    let div_id = use_memo(props.tag.clone(), |tag| format!("chart-{:x}", fxhash(tag)));
    let error = use_state(|| None::<String>);
    let figure = use_node_ref();
    let visible = use_visible(figure.clone());
    let prepared: PreparedCell = use_mut_ref(|| None);

    {
        let (div_id, error, view_handle) = (div_id.clone(), error.clone(), view.clone());
        let deps = (
            props.tag.clone(),
            props.runs.clone(),
            view.chart.clone(),
            revision,
            visible,
        );
        let (services, prepared) = (services.clone(), prepared.clone());
        use_effect_with(deps, move |(tag, runs, cv, revision, visible)| {
            if *visible {
                let key = PrepKey::new(tag, runs, cv, *revision);
                let (tag, cv) = (tag.clone(), cv.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let prep = match prepared_for(&services, &prepared, key).await {
                        Ok(Some(prep)) => prep,
                        Ok(None) => return,
                        Err(e) => return error.set(Some(e)),
                    };
                    let frame = prep.frame(cv.x_range, DEFAULT_BUCKETS);
                    let points = frame.lines.iter().map(|l| l.drawn_points()).sum();
                    let webgl = webgl::wanted(points) && gl_budget::claim(&div_id);
                    if !webgl {
                        // A chart that held a context and now draws with SVG gives it back.
                        gl_budget::release(&div_id);
                    }
                    let spec = ChartSpec {
                        tag: tag.to_string(),
                        lines: frame.lines,
                        x: frame.x,
                        log_y: cv.log_y,
                        x_range: cv.x_range,
                        y_range: frame.y_range,
                        webgl,
                    };
                    plot::draw(&div_id, &spec).await;
                    let view = view_handle.clone();
                    plot::attach_sync(
                        &div_id,
                        Callback::from(move |range| view.dispatch(ViewAction::XRange(range))),
                    );
                });
            }
        });
    }
    {
        // Gives the chart's WebGL context back when it leaves the page.
        let div_id = div_id.clone();
        use_effect_with((), move |_| move || gl_budget::release(&div_id));
    }

    let on_export = {
        let key = PrepKey::new(&props.tag, &props.runs, &view.chart, revision);
        let (services, tag, error) = (services.clone(), props.tag.clone(), error.clone());
        Callback::from(move |_| {
            let (services, key, prepared) = (services.clone(), key.clone(), prepared.clone());
            let (tag, error) = (tag.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match prepared_for(&services, &prepared, key).await {
                    Ok(Some(prep)) => download(
                        &format!("{}.csv", tag.replace('/', "_")),
                        "text/csv",
                        &prep.to_csv(),
                    ),
                    Ok(None) => {}
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    html! {
        <figure class="chart" data-tag={props.tag.clone()} ref={figure}>
            <figcaption>{ props.tag.clone() }
                <button class="link export-chart"
                    title="Download this chart's data (every point, smoothed as shown) as CSV"
                    onclick={on_export}>{ "CSV" }</button>
            </figcaption>
            if let Some(e) = &*error { <p class="error">{ e }</p> }
            <div id={(*div_id).clone()} class="plot"></div>
        </figure>
    }
}

/// The prepared value for `key`: the kept one when it was made from the same inputs, else
/// prepared from the runs' series (read through the service's cache) and kept. Nothing
/// while the workspace has not opened.
async fn prepared_for(
    services: &Services,
    cell: &PreparedCell,
    key: PrepKey,
) -> Result<Option<Rc<Prepared>>, String> {
    let kept = cell
        .borrow()
        .as_ref()
        .filter(|(k, _)| *k == key)
        .map(|(_, p)| p.clone());
    if let Some(prep) = kept {
        return Ok(Some(prep));
    }
    let Some(service) = services.workspace() else {
        return Ok(None);
    };
    let ids: Vec<&str> = key.runs.iter().map(|r| r.id.as_str()).collect();
    let series = service
        .series(&ids, &key.tag)
        .await
        .map_err(|e| e.to_string())?;
    // With another metric as x: that metric's series of every run, paired by step in core.
    let x_series = match &key.settings.x {
        XSource::Metric(x_tag) if **x_tag != *key.tag => Some(
            service
                .series(&ids, x_tag)
                .await
                .map_err(|e| e.to_string())?,
        ),
        _ => None,
    };
    let cv = &key.settings;
    let request = ChartRequest {
        runs: key
            .runs
            .iter()
            .zip(series)
            .enumerate()
            .map(|(i, (run, series))| CoreRun {
                name: run.name.clone(),
                color: run.color.clone(),
                group: run.group.clone(),
                series,
                x_series: x_series.as_ref().and_then(|xs| xs.get(i).cloned()),
            })
            .collect(),
        x: cv.x.clone(),
        smoothing: cv.smoothing_kind,
        smoothing_weight: cv.smoothing,
        grouping: Some(Grouping {
            aggregate: cv.aggregate,
            band: cv.band,
        }),
        ignore_outliers: cv.ignore_outliers,
        log_y: cv.log_y,
        palette: palette::PALETTE.iter().map(|c| (*c).to_owned()).collect(),
    };
    let prep = Rc::new(prepare(&request));
    *cell.borrow_mut() = Some((key, prep.clone()));
    Ok(Some(prep))
}

/// A stable small hash for element ids (tags may hold any characters).
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
