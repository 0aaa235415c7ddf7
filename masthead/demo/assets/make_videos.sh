#!/bin/sh
# Regenerates the demo's six short video clips (320x180 H.264, a few seconds each)
# from ffmpeg's built-in sources, so no footage is taken from anywhere.
# Needs ffmpeg with libx264 and drawtext, and the DejaVu fonts.
set -eu
cd "$(dirname "$0")"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf
SANS=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

clip() {  # clip NAME SECONDS SOURCE ACCENT TITLE
  ffmpeg -loglevel error -y -f lavfi -i "$3" -t "$2" -vf "\
drawbox=x=0:y=ih-58:w=iw:h=58:color=black@0.62:t=fill,\
drawbox=x=12:y=ih-50:w=4:h=40:color=$4:t=fill,\
drawtext=fontfile=$SANS:text='THE ALDER BAY LANTERN · VIDEO':fontsize=9:fontcolor=white@0.85:x=24:y=h-48,\
drawtext=fontfile=$FONT:text='$5':fontsize=14:fontcolor=white:x=24:y=h-33,\
fade=t=in:st=0:d=0.5,fade=t=out:st=$(($2 - 1)).5:d=0.5,format=yuv420p" \
    -c:v libx264 -preset veryslow -crf 33 -profile:v main -movflags +faststart -an "$1.mp4"
}

clip tide-gauge-timelapse 5 \
  "gradients=s=320x180:r=24:c0=0x0b3954:c1=0x087e8b:c2=0xbfd7ea:x0=0:y0=0:x1=320:y1=180:speed=0.03" \
  0x36c5d1 'The tide at Pier 9, sped up'
clip pump-station-tour 6 \
  "cellauto=s=320x180:r=24:rule=110:random_fill_ratio=0.5:seed=7,colorchannelmixer=rr=0.35:gg=0.55:bb=0.75" \
  0xf2a541 'Inside the pump station'
clip night-market-returns 4 \
  "life=s=160x90:r=24:ratio=0.08:mold=20:life_color=0xffb347:death_color=0x1d1030:mold_color=0x6b2d5c:seed=11,scale=320:180,gblur=sigma=3" \
  0xff7b54 'The night market returns'
clip ice-core-lab 5 \
  "mandelbrot=s=320x180:r=24:start_scale=2.6:end_scale=0.6:end_pts=300:inner=period,hue=h=200:s=0.45" \
  0x9ad1d4 'A thousand years of ice'
clip darnaveh-count 4 \
  "gradients=s=320x180:r=24:c0=0x3d1e6d:c1=0xc8553d:c2=0xf28f3b:speed=0.04:type=radial" \
  0xf28f3b 'Counting the vote'
clip flood-barrier-explained 6 \
  "gradients=s=320x180:r=24:c0=0x0a2342:c1=0x2ca58d:x0=0:y0=60:x1=0:y1=180:speed=0.02,drawbox=x=0:y=118+6*sin(t*3):w=iw:h=ih:color=0x1b4965@0.9:t=fill,drawbox=x=150:y=ih-min(t*40\\,130):w=20:h=ih:color=0xe0e1dd:t=fill" \
  0x7bc950 'How the barrier works'
