"""Decoding MoveNet MultiPose head maps into people, in torch, without the graph's 6-person cap.

Same steps as the original graph (so ``max_people=6, min_center_score=0`` reproduces TF.js):
1. centre peaks: sigmoid centre map equal to its 5x5 max-pool (CenterNet peak picking);
2. box per peak from the box-offset and box-scale heads (stride-4 cells, clipped to the map);
3. coarse joints from the keypoint-regression head at the peak;
4. each joint refined to the argmax, inside the person's box, of the joint heatmap weighted by
   ``exp(-d^2 / (sigma_factor * min(Hf, Wf)))`` around the coarse joint, plus the offset head;
5. joint score: the weighted heatmap there (maximum over people, as the graph does); person
   score: centre score times the mean of the joint scores above the joint threshold.
Only the neighbourhood inside each box is evaluated, so the cost grows with box area, not with
the number of people times the map size.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

PEAK_WINDOW = 5


@dataclass
class MultiPoseDecoding:
    """People of one image; coordinates normalised to [0, 1] of the network input, (y, x) order."""

    scores: torch.Tensor  # (P,)
    boxes: torch.Tensor  # (P, 4) ymin, xmin, ymax, xmax
    keypoints: torch.Tensor  # (P, 17, 3) y, x, score

    def tfjs_layout(self, people: int = 6) -> torch.Tensor:
        """(1, people, 56) as the original graph's output: 17x(y, x, s), box, score; zero-padded."""
        rows = torch.cat([self.keypoints.flatten(1), self.boxes, self.scores[:, None]], dim=1)[:people]
        out = rows.new_zeros(people, 56)
        out[: len(rows)] = rows
        return out[None]


def decode_multipose(maps: dict[str, torch.Tensor], input_hw: tuple[int, int], *, stride: int,
                     sigma_factor: float, keypoint_threshold: float, peak_tolerance: float,
                     max_people: int | None = None, min_center_score: float = 0.1) -> list[MultiPoseDecoding]:
    """Decode each image of a batch of head maps (``maps[name]`` is (N, C, Hf, Wf), raw)."""
    return [_decode_one({k: v[i].float() for k, v in maps.items()}, input_hw, stride, sigma_factor,
                        keypoint_threshold, peak_tolerance, max_people, min_center_score)
            for i in range(maps["center"].shape[0])]


def _decode_one(maps, input_hw, stride, sigma_factor, keypoint_threshold, peak_tolerance, max_people,
                min_center_score) -> MultiPoseDecoding:
    center = torch.sigmoid(maps["center"][0])
    hf, wf = center.shape
    pooled = F.max_pool2d(center[None, None], PEAK_WINDOW, 1, PEAK_WINDOW // 2)[0, 0]
    peaks = (center * ((center - pooled).abs() < peak_tolerance)).flatten()
    values, order = torch.sort(peaks, descending=True, stable=True)
    if max_people is None:
        keep = values > min_center_score
    else:
        keep = torch.arange(len(values), device=values.device) < max_people
    values, order = values[keep], order[keep]
    cy, cx = order // wf, order % wf
    cyf, cxf = cy.float(), cx.float()

    offset = maps["box_offset"][:, cy, cx]
    scale = maps["box_scale"][:, cy, cx].clamp_min(0.0)
    half_h, half_w = scale[0] * 0.5, scale[1] * 0.5
    boxes = torch.stack([(cyf + offset[0] - half_h).clamp(0, hf), (cxf + offset[1] - half_w).clamp(0, wf),
                         (cyf + offset[0] + half_h).clamp(0, hf), (cxf + offset[1] + half_w).clamp(0, wf)], 1)
    in_h, in_w = input_hw
    box_norm = (boxes * float(stride) / boxes.new_tensor([in_h, in_w, in_h, in_w])).clamp(0.0, 1.0)

    regress = maps["kpt_regress"][:, cy, cx].T.reshape(-1, 17, 2)
    coarse_y = cyf[:, None] + regress[..., 0]
    coarse_x = cxf[:, None] + regress[..., 1]
    spread = float(min(hf, wf)) * sigma_factor
    heat = torch.sigmoid(maps["kpt_heatmap"])
    hy, hx = _refine_in_boxes(heat, boxes, coarse_y, coarse_x, spread)

    kpt_offset = maps["kpt_offset"].reshape(17, 2, hf, wf)
    joint = torch.arange(17, device=hy.device)[None].expand_as(hy)
    ky = (hy.float() + kpt_offset[joint, 0, hy, hx]) * (float(stride) / in_h)
    kx = (hx.float() + kpt_offset[joint, 1, hy, hx]) * (float(stride) / in_w)
    kscore = _joint_scores(heat, boxes, coarse_y, coarse_x, spread, hy, hx)
    kept = kscore > keypoint_threshold
    person = (values[:, None] * torch.where(kept, kscore, 0.0)).sum(1) / kept.sum(1).clamp_min(1)
    return MultiPoseDecoding(person, box_norm, torch.stack([ky, kx, kscore], dim=-1))


def _weight(rows, cols, coarse_y, coarse_x, spread):
    """exp(-d^2 / spread) between cells and coarse joints; rows/cols broadcast against joints."""
    return torch.exp(-((rows - coarse_y) ** 2 + (cols - coarse_x) ** 2) / spread)


def _inside(boxes, rows, cols):
    """Cell centre test of the graph: ymin <= row < ymax and xmin <= col < xmax."""
    return (rows >= boxes[:, 0]) & (rows < boxes[:, 2]) & (cols >= boxes[:, 1]) & (cols < boxes[:, 3])


def _refine_in_boxes(heat, boxes, coarse_y, coarse_x, spread):
    """Per person and joint, the cell maximising heat * weight inside the box -> (P, 17) rows, cols."""
    people = len(boxes)
    if people == 0:
        empty = torch.zeros(0, 17, dtype=torch.long, device=heat.device)
        return empty, empty
    hf, wf = heat.shape[1:]
    r0, c0 = boxes[:, 0].ceil().long(), boxes[:, 1].ceil().long()
    r1, c1 = boxes[:, 2].ceil().long(), boxes[:, 3].ceil().long()
    win_h, win_w = int((r1 - r0).max().clamp_min(1)), int((c1 - c0).max().clamp_min(1))
    row_span = r0[:, None] + torch.arange(win_h, device=heat.device)  # (P, h)
    col_span = c0[:, None] + torch.arange(win_w, device=heat.device)  # (P, w)
    rows, cols = row_span.clamp(max=hf - 1), col_span.clamp(max=wf - 1)
    valid = (row_span < r1[:, None])[:, :, None] & (col_span < c1[:, None])[:, None, :]  # (P, h, w)
    window = heat[:, rows[:, :, None], cols[:, None, :]].permute(1, 0, 2, 3)  # (P, 17, h, w)
    weight = _weight(rows.float()[:, None, :, None], cols.float()[:, None, None, :],
                     coarse_y[..., None, None], coarse_x[..., None, None], spread)
    scored = (window * weight * valid[:, None]).flatten(2)
    best, where = scored.max(dim=2)
    hy = torch.gather(rows, 1, where // win_w)
    hx = torch.gather(cols, 1, where % win_w)
    nothing = best <= 0  # the graph's argmax over an all-zero map lands on cell (0, 0)
    return hy.masked_fill(nothing, 0), hx.masked_fill(nothing, 0)


def _joint_scores(heat, boxes, coarse_y, coarse_x, spread, hy, hx):
    """heat * weight * inside-box at each chosen cell, maximised over all people, (P, 17)."""
    if len(boxes) == 0:
        return hy.float()
    joint = torch.arange(17, device=hy.device)[None].expand_as(hy)
    rows, cols = hy.float(), hx.float()
    weight = _weight(rows[:, :, None], cols[:, :, None], coarse_y.T[None], coarse_x.T[None], spread)  # (P,17,P')
    inside = _inside(boxes, rows[:, :, None], cols[:, :, None])  # (P, 17, P')
    return heat[joint, hy, hx] * (weight * inside).amax(dim=2)
